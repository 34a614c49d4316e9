#!/bin/sh
# Removes what install.sh put under PREFIX. PREFIX/etc/jshim/jshim.conf is removed only when it is still the
# shipped default; an edited one is kept (and named).
set -eu
prefix=${1:?usage: uninstall.sh PREFIX}
conf="$prefix/etc/jshim/jshim.conf"
if [ -f "$conf" ]; then
  if [ -f "$prefix/lib/jshim/jshim.conf.default" ] && cmp -s "$conf" "$prefix/lib/jshim/jshim.conf.default"; then
    rm -f "$conf"
  else
    echo "uninstall: kept $conf (edited)"
  fi
fi
rmdir "$prefix/etc/jshim" 2>/dev/null || true
# warm spares of this installation (jshim.spare): no process, FIFO or directory may outlive it
"$(dirname "$0")/spares.sh" "$prefix"
rm -f "$prefix/bin/containerd-shim-jrunc-v2"
rm -rf "$prefix/lib/jshim"
echo "removed $prefix/bin/containerd-shim-jrunc-v2 and $prefix/lib/jshim"
