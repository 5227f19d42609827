#!/bin/sh
# embed.sh OUT FILE...: the page's files (web/) as C arrays in OUT, for
# daemon/web.c (struct web_asset, daemon/web.h). od, not xxd: coreutils is
# on every machine.
set -eu
out=$1; shift
tmp=$out.tmp
{
	echo '/* Made by scripts/embed.sh from web/: do not edit. */'
	echo '#include <stddef.h>'
	echo '#include "web.h"'
	i=0
	for f in "$@"; do
		echo "static const unsigned char web_file_$i[] = {"
		od -An -v -tu1 "$f" | sed -e 's/  */,/g' -e 's/^,//' -e 's/$/,/'
		echo '};'
		i=$((i + 1))
	done
	echo 'const struct web_asset web_assets[] = {'
	i=0
	for f in "$@"; do
		case $f in
		*.html) type='text/html; charset=utf-8' ;;
		*.css) type='text/css; charset=utf-8' ;;
		*.js) type='text/javascript; charset=utf-8' ;;
		*.svg) type='image/svg+xml' ;;
		*) type='application/octet-stream' ;;
		esac
		echo "	{ \"$(basename "$f")\", \"$type\", web_file_$i, sizeof web_file_$i },"
		i=$((i + 1))
	done
	echo '	{ NULL, NULL, NULL, 0 },'
	echo '};'
} >"$tmp"
mv "$tmp" "$out"
