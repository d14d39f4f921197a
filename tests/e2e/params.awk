# Edit one key of a params.yaml by its dotted path (tests/e2e/lib.sh: param).
#   awk -v op=set    -v path=train.n_iter -v value=16      params.yaml
#   awk -v op=rename -v path=train.n_iter -v value=n_itr   params.yaml
#   awk -v op=drop   -v path=clean.missing                 params.yaml
#   awk -v op=add    -v path=clean.missing -v value='mising: drop' params.yaml
# (add: a line at the same indent right after the key's line.) A key is a
# line "INDENT key:" in block style, two spaces a level; the path is the keys
# from the top. Exactly one line must match: otherwise nothing is printed and
# the exit status is 1.
function depth_of(line) { match(line, /^ */); return RLENGTH / 2 }
{
  lines[NR] = $0
  if (match($0, /^ *[^ #:-][^:]*:( |$)/)) {
    key = substr($0, 1, RLENGTH); sub(/^ */, "", key); sub(/: ?$/, "", key)
    d = depth_of($0)
    stack[d] = key
    for (k in stack) if (k + 0 > d) delete stack[k]
    p = stack[0]
    for (k = 1; k <= d; k++) p = p "." stack[k]
    if (p == path) { hits++; at = NR; indent = substr($0, 1, 2 * d); name = key }
  }
}
END {
  if (hits != 1) { printf "params.awk: %s: expected one key, found %d\n", path, hits > "/dev/stderr"; exit 1 }
  for (i = 1; i <= NR; i++) {
    if (i != at) { print lines[i]; continue }
    if (op == "set") print indent name ": " value
    else if (op == "rename") { l = lines[i]; sub(name ":", value ":", l); print l }
    else if (op == "add") { print lines[i]; print indent value }
    else if (op != "drop") { printf "params.awk: unknown op %s\n", op > "/dev/stderr"; exit 1 }
  }
}
