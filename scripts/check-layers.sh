#!/usr/bin/env bash
# check-layers.sh - check the #include "..." lines of lib/ and milter/
# against the layers declared in lib/layers.txt (ctest check_layers).
#
#   scripts/check-layers.sh [SOURCE_DIR]
#
# A file in lib/<folder>/ may include the headers of its own folder (public
# or private) and the public headers of the folders listed on its folder's
# line of lib/layers.txt. It may not include a header of any other folder
# (one above it, or a sibling it does not declare), a header under another
# folder's private/ directory, or a header of milter/. Files of milter/ may
# include any public header of lib/, never a private one. Also checked: no
# .c at lib/'s top level, every folder of lib/ declared once, layers.txt
# lists only folders declared above, and no header name is used twice
# (includes are written without folders). Prints one line per violation and
# exits 1 if there is any.
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
layers=$root/lib/layers.txt
fail=0
complain() {
	echo "check-layers: $*"
	fail=1
}

# The layer table: uses[folder] = " dep dep ... "
declare -A uses=()
declare -a order=()
while read -r folder deps; do
	case "$folder" in '' | '#'*) continue ;; esac
	[ -z "${uses[$folder]+x}" ] || complain "lib/layers.txt: $folder declared twice"
	for d in $deps; do
		[ -n "${uses[$d]+x}" ] || complain "lib/layers.txt: $folder uses $d, which is not declared above it"
	done
	uses[$folder]=" $deps "
	order+=("$folder")
done <"$layers"

for f in "$root"/lib/*.c; do
	[ -e "$f" ] && complain "lib/$(basename "$f"): a module at lib/'s top level; put it in a folder"
done
for d in "$root"/lib/*/; do
	d=$(basename "$d")
	[ -n "${uses[$d]+x}" ] || complain "lib/$d/: not declared in lib/layers.txt"
done

# Where each header lives: owner[name] = folder, or "milter"; private[name] = 1.
declare -A owner=() private=()
add_header() {	# name owner is_private path
	if [ -n "${owner[$1]+x}" ]; then
		complain "$4: the header name $1 is used twice (also in ${owner[$1]})"
	fi
	owner[$1]=$2
	private[$1]=$3
}
for folder in "${order[@]}"; do
	for h in "$root/lib/$folder"/*.h; do
		[ -e "$h" ] && add_header "$(basename "$h")" "$folder" 0 "lib/$folder/$(basename "$h")"
	done
	for h in "$root/lib/$folder/private"/*.h; do
		[ -e "$h" ] && add_header "$(basename "$h")" "$folder" 1 "lib/$folder/private/$(basename "$h")"
	done
done
for h in "$root"/milter/*.h; do
	[ -e "$h" ] && add_header "$(basename "$h")" milter 0 "milter/$(basename "$h")"
done

# check_file path folder: folder is a lib folder or "milter"
check_file() {
	local path=$1 folder=$2 rel=${1#"$root"/} line name where
	while IFS= read -r line; do
		name=${line#*\"}
		name=${name%%\"*}
		where=${owner[$name]-}
		if [ -z "$where" ]; then
			[ "$folder" = milter ] || complain "$rel includes $name, which is in no folder of lib/"
			continue
		fi
		[ "$where" = "$folder" ] && continue
		if [ "$where" = milter ]; then
			complain "$rel includes $name of milter/: lib/ does not know the daemon"
		elif [ "${private[$name]}" = 1 ]; then
			complain "$rel includes $name, a private header of lib/$where"
		elif [ "$folder" != milter ] && [[ "${uses[$folder]}" != *" $where "* ]]; then
			local below=${uses[$folder]# }
			below=${below% }
			complain "$rel includes $name of lib/$where, which lib/$folder may not use" \
				"(lib/layers.txt: $folder uses ${below:-no other folder})"
		fi
	done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$path" || true)
}
for folder in "${order[@]}"; do
	for f in "$root/lib/$folder"/*.[ch] "$root/lib/$folder/private"/*.[ch]; do
		[ -e "$f" ] && check_file "$f" "$folder"
	done
done
for f in "$root"/milter/*.[ch]; do
	[ -e "$f" ] && check_file "$f" milter
done

if [ "$fail" = 0 ]; then
	echo "check-layers: lib/ follows lib/layers.txt (${order[*]})"
fi
exit "$fail"
