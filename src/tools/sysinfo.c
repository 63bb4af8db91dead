/* sysinfo — the exact versions of the tools and libraries that built and
 * ran this report, as \defval{version/...} lines for its appendix. */
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_version.h>
#include <lapacke.h>
#include <zlib.h>

char *openblas_get_config(void);
char *openblas_get_corename(void);
void ilaver_(int *major, int *minor, int *patch);

static void tex_line(const char *key, const char *v)
{
    printf("\\defval{version/%s}{", key);
    for (; *v && *v != '\n'; v++) {
        if (strchr("&%$#_{}", *v))
            putchar('\\');
        if (*v == '~' || *v == '^' || *v == '\\')
            putchar(' ');
        else
            putchar(*v);
    }
    puts("}");
}

/* The first line a command prints, or "not found". */
static void command_line(const char *key, const char *cmd)
{
    char buf[512] = "not found";
    FILE *p = popen(cmd, "r");
    if (p) {
        if (!fgets(buf, sizeof buf, p))
            strcpy(buf, "not found");
        pclose(p);
    }
    tex_line(key, buf);
}

int main(void)
{
    char buf[512];
    int a, b, c;
    tex_line("cc", "gcc " __VERSION__);
    tex_line("openblas", openblas_get_config());
    tex_line("openblascore", openblas_get_corename());
    ilaver_(&a, &b, &c);
    snprintf(buf, sizeof buf, "%d.%d.%d", a, b, c);
    tex_line("lapack", buf);
    tex_line("gsl", gsl_version);
    tex_line("zlib", zlibVersion());
    snprintf(buf, sizeof buf, "%d", _OPENMP);
    tex_line("openmp", buf);
    command_line("random123", "dpkg-query -W -f '${Version}' librandom123-dev 2>/dev/null");
    command_line("cmocka", "dpkg-query -W -f '${Version}' libcmocka-dev 2>/dev/null");
    command_line("gnuplot", "gnuplot --version 2>/dev/null");
    command_line("tex", "pdflatex --version 2>/dev/null");
    command_line("latexmk", "latexmk --version 2>/dev/null | grep -m1 Version");
    command_line("make", "make --version 2>/dev/null");
    command_line("cpu", "grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'");
    command_line("os", ". /etc/os-release 2>/dev/null && echo \"$PRETTY_NAME\"");
    return 0;
}
