#!/usr/bin/env bash
# Validates vlmscope's packaging end to end: desktop, AppStream, MIME and man page files, the
# `cmake --install` tree, the .deb (built with CPack, checked by lintian), then installs the
# .deb, runs the installed binary and removes the package again.
#
#   bash packaging/check-package.sh BUILD_DIR
#
# BUILD_DIR is a configured build with LibTorch (the app), already built. Exit status: 0 all
# good, 1 a check failed, 77 the checks before installing passed but installing was skipped
# (not root, or a vlmscope package is already installed and is left alone).
set -euo pipefail

APP_ID="io.github.vlmscope.vlmscope"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() { echo "check-package: FAIL: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }
need() {
  command -v "$1" >/dev/null || fail "'$1' not found (Debian package $2; bash packaging/install-deps.sh installs it)"
}

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 1; }
build="$(cd "$1" 2>/dev/null && pwd)" || fail "$1: no such build directory"
[ -f "$build/CMakeCache.txt" ] || fail "$build: not a CMake build directory (no CMakeCache.txt)"
[ -x "$build/app/vlmscope" ] || fail "$build/app/vlmscope: not built (configure with LibTorch and build first)"

need desktop-file-validate desktop-file-utils
need appstreamcli appstream
need xmllint libxml2-utils
need update-mime-database shared-mime-info
need lintian lintian
need dpkg-shlibdeps dpkg-dev
need man man-db
need gzip gzip

version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
[ -n "$version" ] || fail "$build/CMakeCache.txt: no CMAKE_PROJECT_VERSION"
cpack="$(sed -n 's/^CMAKE_CPACK_COMMAND:INTERNAL=//p' "$build/CMakeCache.txt")"
[ -x "${cpack:-}" ] || cpack="$(command -v cpack)" || fail "cpack not found (Debian package cmake)"
scratch="$(mktemp -d)"
installed_by_us=false
cleanup() {
  if [ "$installed_by_us" = true ]; then
    echo "check-package: removing the vlmscope package installed for the test" >&2
    DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq vlmscope >/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
echo "check-package: vlmscope $version, build $build"

step "version consistency (project() = metainfo release = changelog = man page)"
meta_version="$(xmllint --xpath 'string(//releases/release[1]/@version)' "$here/$APP_ID.metainfo.xml")"
[ "$meta_version" = "$version" ] ||
  fail "$APP_ID.metainfo.xml: newest <release> is '$meta_version', project() says $version: add a release entry"
changelog_version="$(sed -n '1s/^vlmscope (\([^)]*\)).*/\1/p' "$here/changelog")"
[ "$changelog_version" = "$version" ] ||
  fail "packaging/changelog: newest entry is '$changelog_version', project() says $version: add an entry"
grep -q "^\.TH VLMSCOPE 1 \"[0-9-]*\" \"vlmscope $version\"" "$here/vlmscope.1" ||
  fail "packaging/vlmscope.1: .TH line does not say \"vlmscope $version\""
echo "ok: $version everywhere"

step "options: every option of vlmscope --help is in the man page and the bash completion"
help_options="$("$build/app/vlmscope" --help | grep -oE '^  (-h, )?--[a-z][a-z-]*' | sed 's/.*--/--/' | sort -u)"
[ -n "$help_options" ] || fail "vlmscope --help lists no options"
missing=""
for option in $help_options; do
  grep -qF -- "${option//-/\\-}" "$here/vlmscope.1" || missing+=" man:$option"
  grep -qE -- "(^|[ '])${option}( |'|$)" "$here/completions/vlmscope" || missing+=" completion:$option"
done
[ -z "$missing" ] || fail "options missing:$missing"
echo "ok: $(echo "$help_options" | wc -l) options documented and completed"
bash -n "$here/completions/vlmscope" || fail "completions/vlmscope: bash syntax error"

step "desktop-file-validate $APP_ID.desktop"
# Hints (a category without its main category, ...) count too: the file is clean, keep it so.
report="$(desktop-file-validate "$here/$APP_ID.desktop" 2>&1)" || true
[ -z "$report" ] || fail "$APP_ID.desktop:"$'\n'"$report"
echo "ok"

step "appstreamcli validate --no-net --pedantic --strict $APP_ID.metainfo.xml"
appstreamcli validate --no-net --pedantic --strict "$here/$APP_ID.metainfo.xml" ||
  fail "$APP_ID.metainfo.xml: appstreamcli validate found problems"

step "MIME type: xmllint, update-mime-database, content sniffing"
xmllint --noout "$here/vlmscope-mime.xml"
mkdir -p "$scratch/xdg/mime/packages"
cp /usr/share/mime/packages/freedesktop.org.xml "$scratch/xdg/mime/packages/"
cp "$here/vlmscope-mime.xml" "$scratch/xdg/mime/packages/$APP_ID.xml"
XDG_DATA_DIRS="$scratch/xdg" update-mime-database "$scratch/xdg/mime"
[ -f "$scratch/xdg/mime/application/x-vlmscope-run.xml" ] || fail "update-mime-database did not register application/x-vlmscope-run"
if command -v gio >/dev/null; then
  (cd "$scratch" && "$build/app/vlmscope" --batch --model tiny --max-tokens 2 --quiet --output run.json >/dev/null 2>&1) ||
    fail "vlmscope --batch --model tiny --output run.json failed"
  cp "$scratch/run.json" "$scratch/by-name.vlmscope.json"
  cp "$scratch/run.json" "$scratch/by-content"
  for file in by-name.vlmscope.json by-content; do
    type="$(XDG_DATA_HOME="$scratch/none" XDG_DATA_DIRS="$scratch/xdg" gio info -a standard::content-type "$scratch/$file" |
            sed -n 's/.*standard::content-type: //p')"
    [ "$type" = application/x-vlmscope-run ] || fail "$file: detected as '$type', expected application/x-vlmscope-run"
    echo "ok: $file -> $type"
  done
else
  echo "gio not found (libglib2.0-bin): content sniffing not checked"
fi

step "man page: man --warnings, mandoc -T lint"
warnings="$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$here/vlmscope.1" 2>&1 >/dev/null)"
[ -z "$warnings" ] || fail "vlmscope.1: $warnings"
if command -v mandoc >/dev/null; then
  mandoc -T lint -W warning "$here/vlmscope.1" || fail "vlmscope.1: mandoc -T lint found problems"
fi
echo "ok"

step "cmake --install $build --prefix $scratch/root/usr"
cmake --install "$build" --prefix "$scratch/root/usr" >/dev/null
for file in bin/vlmscope share/applications/$APP_ID.desktop share/metainfo/$APP_ID.metainfo.xml \
            share/mime/packages/$APP_ID.xml share/icons/hicolor/scalable/apps/$APP_ID.svg \
            share/icons/hicolor/16x16/apps/$APP_ID.png share/icons/hicolor/256x256/apps/$APP_ID.png \
            share/man/man1/vlmscope.1.gz share/bash-completion/completions/vlmscope \
            share/doc/vlmscope/copyright share/doc/vlmscope/changelog.gz; do
  [ -e "$scratch/root/usr/$file" ] || fail "cmake --install did not install $file"
done
echo "ok: every file in place"
# Checks the installed tree as a software centre sees it: metainfo, desktop file and icons together.
appstreamcli validate-tree --no-net --strict "$scratch/root" ||
  fail "installed tree: appstreamcli validate-tree found problems"

step "cpack -G DEB"
rm -f "$build"/vlmscope_*.deb
(cd "$build" && "$cpack" -G DEB) || fail "cpack -G DEB failed"
deb="$build/vlmscope_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "cpack made no $deb"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
! dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -qE 'postinst|postrm|preinst|prerm' ||
  fail "$deb: has maintainer scripts (dpkg triggers do their work)"

step "lintian $deb"
# --fail-on error,warning: informational tags (I:) are printed for the record but pass.
lintian --display-info --fail-on error,warning "$deb" || fail "lintian reported errors or warnings"
echo "ok: no errors or warnings"

step "install the package"
if [ "$(id -u)" -ne 0 ]; then
  echo "check-package: SKIP install: needs root (apt-get install)"
  exit 77
fi
if dpkg-query -W -f='${Status}' vlmscope 2>/dev/null | grep -q 'ok installed'; then
  echo "check-package: SKIP install: a vlmscope package is already installed; it is left alone"
  exit 77
fi
installed_by_us=true
DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends "$deb" ||
  fail "apt-get install $deb failed"

step "run the installed /usr/bin/vlmscope"
[ -x /usr/bin/vlmscope ] || fail "/usr/bin/vlmscope not installed"
reported="$(/usr/bin/vlmscope --version)"
echo "$reported"
[[ "$reported" == "vlmscope $version "* ]] || fail "vlmscope --version says '$reported', expected vlmscope $version"
(cd "$scratch" && /usr/bin/vlmscope --batch --model tiny --max-tokens 4) || fail "/usr/bin/vlmscope --batch --model tiny --max-tokens 4 failed"
man -w vlmscope >/dev/null || fail "man vlmscope: page not found"
# dpkg's file triggers ran update-mime-database and update-desktop-database.
[ -f /usr/share/mime/application/x-vlmscope-run.xml ] || fail "MIME database does not know application/x-vlmscope-run"
if command -v update-desktop-database >/dev/null; then
  grep -q "application/x-vlmscope-run=.*$APP_ID.desktop" /usr/share/applications/mimeinfo.cache ||
    fail "/usr/share/applications/mimeinfo.cache does not map application/x-vlmscope-run to $APP_ID.desktop"
fi
bash -c 'source /usr/share/bash-completion/completions/vlmscope && complete -p vlmscope' >/dev/null ||
  fail "bash completion does not load"
echo "ok: --version, a tiny batch run, man page, MIME type, desktop database, completion"

step "remove the package"
DEBIAN_FRONTEND=noninteractive apt-get remove -q --purge -y vlmscope
installed_by_us=false
[ ! -e /usr/bin/vlmscope ] || fail "/usr/bin/vlmscope still there after removal"
[ ! -e /usr/share/mime/application/x-vlmscope-run.xml ] || fail "MIME type still registered after removal"
echo
echo "check-package: all checks passed ($deb)"
