/* afl.h — AFL++'s persistent-mode macros, and a stand-in for them when a
 * harness is built without afl-clang-fast (then it reads one input from
 * stdin: to replay a finding under a debugger). */
#ifndef SGDN_FUZZ_AFL_H
#define SGDN_FUZZ_AFL_H

#include <unistd.h>

#ifndef __AFL_FUZZ_TESTCASE_LEN
static ssize_t fuzz_len;
static unsigned char fuzz_buf[1 << 20];
#define __AFL_FUZZ_TESTCASE_LEN fuzz_len
#define __AFL_FUZZ_TESTCASE_BUF fuzz_buf
#define __AFL_FUZZ_INIT() void sync(void)
#define __AFL_LOOP(x) ((fuzz_len = read(0, fuzz_buf, sizeof fuzz_buf)) > 0 ? 1 : 0)
#define __AFL_INIT() sync()
#endif

#endif
