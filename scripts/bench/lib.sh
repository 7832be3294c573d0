# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The arithmetic of make bench, sourced by run.sh and readme-table.sh (and
# tests/scripts/bench_test.sh): statistics over samples, the verdict on a
# row, the cells and head of the table.

# stats FILE: per metric, in first-seen order, tab-separated: METRIC
# MEDIAN MIN MAX N UNIT SAMPLES (comma-separated, in the order they came).
stats() {
	awk -v OFS='\t' '{
		if (!($1 in n)) { order[++m] = $1; unit[$1] = $3 }
		v[$1, ++n[$1]] = $2
	}
	END {
		for (i = 1; i <= m; i++) {
			k = order[i]; c = n[k]; list = ""
			for (a = 1; a <= c; a++) { s[a] = v[k, a] + 0; list = list (a > 1 ? "," : "") v[k, a] }
			for (a = 2; a <= c; a++)
				for (b = a; b > 1 && s[b - 1] > s[b]; b--) { t = s[b]; s[b] = s[b - 1]; s[b - 1] = t }
			med = (c % 2) ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
			printf "%s\t%g\t%g\t%g\t%d\t%s\t%s\n", k, med, s[1], s[c], c, unit[k], list
		}
	}' "$1"
}

# verdict BETTER N OURS-MEDIAN MIN MAX BASE-MEDIAN MIN MAX: "within noise"
# when the wider of the two spreads (max - min) is at least the difference
# of the medians; else who is ahead. One run has no spread to judge by.
verdict() {
	awk -v better="$1" -v n="$2" -v om="$3" -v olo="$4" -v ohi="$5" \
		-v bm="$6" -v blo="$7" -v bhi="$8" 'BEGIN {
		if (n < 2) { print "one run: no spread"; exit }
		d = om - bm; if (d < 0) d = -d
		sp = ohi - olo; if (bhi - blo > sp) sp = bhi - blo
		if (sp >= d) print "within noise"
		else if ((better == "higher") == (om > bm)) print "ours ahead"
		else print "upstream ahead"
	}'
}

# cell MEDIAN MIN MAX N UNIT: "median unit", with "(min-max)" from 2 runs on.
cell() {
	if [ "$4" -gt 1 ]; then echo "$1 $5 ($2-$3)"; else echo "$1 $5"; fi
}

# table_header: the table's head, here and in the README (readme-table.sh).
table_header() {
	echo '| bench | metric | ours | upstream | ours/upstream | better | verdict | measured |'
	echo '| --- | --- | --- | --- | --- | --- | --- | --- |'
}

# ref_describe METRIC: what a reference number (ref:METRIC, dom0's
# xpv-copyrate) measures, for its row's label.
ref_describe() {
	case $1 in
	memcpy) echo "reference: dom0 memcpy of 1 MiB buffers" ;;
	gntcopy-64) echo "reference: dom0 grant copy, 64 x 4 KiB per ioctl as the daemons batch" ;;
	gntcopy-1) echo "reference: dom0 grant copy, one 4 KiB page per ioctl" ;;
	*) echo "reference" ;;
	esac
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
# better UNIT: a rate (UNIT ends in /s) or a factor (x) is better higher;
# a time or a size lower.
better() { case $1 in */s | x) echo higher ;; *) echo lower ;; esac; }
