#!/usr/bin/env bash
# Exit 0 when every build and run dependency is present; list what is missing otherwise.
missing=()
for h in gsl/gsl_rng.h yaml.h cmark.h xlsxwriter.h cmocka.h linear.h libsvm/svm.h csv.h xgboost/c_api.h; do
  [ -f "/usr/include/$h" ] || missing+=("$h")
done
for c in gnuplot pkg-config cc valgrind soffice; do command -v "$c" >/dev/null || missing+=("$c"); done
/usr/bin/python3 -c 'import openpyxl, yaml' 2>/dev/null || missing+=("python3-openpyxl python3-yaml")
fc-list 2>/dev/null | grep -qi 'DejaVu Sans' || missing+=("DejaVu Sans font")
if [ ${#missing[@]} -gt 0 ]; then echo "missing: ${missing[*]}"; exit 1; fi
