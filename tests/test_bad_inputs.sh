#!/usr/bin/env bash
# test_bad_inputs.sh BINDIR [TABLE] — run every case of the bad-input table
# (tests/bad_inputs.tsv): the exit code, the one error line, and no file
# left behind.  With SANITIZE=1 (make test-sanitize) a sanitizer report is a
# failure too.
set -uo pipefail
bin=$1 table=${2:-tests/bad_inputs.tsv}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# --- fixtures: broken copies of a small real Fashion-MNIST ---
fm=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
python3 - "$fm" "$tmp" <<'PY'
import gzip, os, struct, sys
src, tmp = sys.argv[1], sys.argv[2]
def rd(n): return gzip.open(os.path.join(src, n)).read()
img = {s: rd(f"{s}-images-idx3-ubyte.gz") for s in ("train", "t10k")}
lab = {s: rd(f"{s}-labels-idx1-ubyte.gz") for s in ("train", "t10k")}
def small(s, n):
    return (struct.pack(">IIII", 2051, n, 28, 28) + img[s][16:16 + 784 * n],
            struct.pack(">II", 2049, n) + lab[s][8:8 + n])
def write(d, files):
    os.makedirs(os.path.join(tmp, d), exist_ok=True)
    for name, data in files.items():
        open(os.path.join(tmp, d, name), "wb").write(data)
def gz(b): return gzip.compress(b, mtime=0)
base = {}
for s, n in (("train", 100), ("t10k", 50)):
    i, l = small(s, n)
    base[f"{s}-images-idx3-ubyte.gz"] = gz(i)
    base[f"{s}-labels-idx1-ubyte.gz"] = gz(l)
write("FM_SMALL", base)
write("FM_MISSING", {k: v for k, v in base.items() if "train-labels" not in k})
b = dict(base); z = bytearray(b["train-labels-idx1-ubyte.gz"]); z[len(z) // 2] ^= 0xff
b["train-labels-idx1-ubyte.gz"] = bytes(z); write("FM_BADBYTE", b)
b = dict(base); b["train-images-idx3-ubyte.gz"] = b["train-images-idx3-ubyte.gz"][:200]; write("FM_TRUNC", b)
b = dict(base); i, l = small("train", 100); b["train-labels-idx1-ubyte.gz"] = gz(struct.pack(">II", 2051, 100) + l[8:]); write("FM_MAGIC", b)
b = dict(base); i, l = small("train", 90); b["train-labels-idx1-ubyte.gz"] = gz(l); write("FM_MISMATCH", b)
PY
[[ -d $tmp/FM_SMALL ]] || { echo "FAIL: cannot build the Fashion-MNIST fixtures"; exit 1; }
: >"$tmp/FILE"

# --- fixtures: claims files for the gate ---
hdr=$'id\ttests\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis\talt\talt_name\tnote'
row() { printf '%s\n' "$hdr" "$@" >"$tmp/$1.claims.tsv.in"; }
gate_file() {  # name, rows...
  local n=$1; shift
  { printf '%s\n' "$hdr"; printf '%s\n' "$@"; } >"$tmp/$n.claims.tsv"
}
gate_file GATE_NAN $'ZHU-E13\tpaper\tx\tpass\tnan\t1\teq\t0.1\t2 SE\t0\t\t'
gate_file GATE_INF $'ZHU-E13\tpaper\tx\tpass\t1\t1\teq\tinf\t2 SE\t0\t\t'
gate_file GATE_NEGTOL $'ZHU-E13\tpaper\tx\tpass\t1\t1\teq\t-1\t2 SE\t0\t\t'
gate_file GATE_SHORT $'ZHU-E13\tpaper\tx\tpass\t1'
gate_file GATE_BADKIND $'ZHU-E13\tsorta\tx\tpass\t1\t1\teq\t0.1\t2 SE\t0\t\t'
gate_file GATE_BADREL $'ZHU-E13\tpaper\tx\tpass\t1\t1\tne\t0.1\t2 SE\t0\t\t'
gate_file GATE_EXACTFAIL $'ZHU-E13\texact\tx\tpass\t1\t2\teq\t0.1\t2 SE\t0\t\t'
printf '%s\n' "$hdr" >"$tmp/GATE_EMPTY.claims.tsv"
printf 'ZHU-E13\tpaper\tx\tpass\t1\t1\teq\t0.1\t2 SE\t0\t\t\n' >"$tmp/GATE_NOHEADER.claims.tsv"

n=0
while IFS=$'\t' read -r code frag cmd; do
  [[ -z $code || $code == \#* ]] && continue
  n=$((n + 1))
  out=$tmp/out$n; mkdir -p "$out"
  cmd=${cmd//@OUT/$out}
  cmd=${cmd//@FILE/$tmp/FILE}
  for k in FM_SMALL FM_MISSING FM_BADBYTE FM_TRUNC FM_MAGIC FM_MISMATCH; do cmd=${cmd//@$k/$tmp/$k}; done
  for k in GATE_NAN GATE_INF GATE_NEGTOL GATE_SHORT GATE_BADKIND GATE_BADREL GATE_EXACTFAIL GATE_EMPTY GATE_NOHEADER; do
    cmd=${cmd//@$k/$tmp/$k.claims.tsv}
  done
  read -r -a argv <<<"$cmd"
  prog=${argv[0]}; args=("${argv[@]:1}")
  if [[ $prog != claims_gate && $prog != bench_* ]]; then
    args=(--profile ci "${args[@]}")
    [[ " ${args[*]} " == *" --outdir "* ]] || args+=(--outdir "$out")
  fi
  SGDN_MEM_CAP_GB=4 timeout 120 "$bin/$prog" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr"; rc=$?
  what="[$n] $cmd"
  if ((rc != code)); then bad "$what: exit $rc, expected $code: $(grep -m1 error: "$tmp/stderr")"; continue; fi
  if ! grep -qF -- "$frag" "$tmp/stderr" "$tmp/stdout"; then bad "$what: no '$frag' in: $(head -c 300 "$tmp/stderr")"; continue; fi
  if [[ $prog != claims_gate && $prog != bench_* ]]; then
    if [[ $(grep -c 'error:' "$tmp/stderr") != 1 ]]; then bad "$what: expected one error line"; continue; fi
    if grep -q 'Sanitizer\|runtime error' "$tmp/stderr"; then bad "$what: sanitizer report"; continue; fi
    if [[ -n $(find "$out" -type f) ]]; then bad "$what: left $(find "$out" -type f | head -3)"; continue; fi
  fi
  pass=$((pass + 1))
done <"$table"
echo "bad inputs: $pass passed, $fail failed"
((fail == 0 && pass >= 60))
