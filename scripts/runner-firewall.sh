# The runner's own firewall around a dockerd that scripts/engine.sh starts (sourced,
# not run). dockerd writes its chains, a FORWARD DROP policy and new tables (nat, raw
# on 28.x) into the runner's namespace and leaves them when it stops; on a workstation
# the DROP policy then breaks VMs and other bridges. So: save every table of every
# iptables variant before dockerd starts, and after it stopped, put back each table
# that differs (iptables-restore replaces the tables named in its input and leaves the
# others alone, so a table that did not exist before is restored as an empty one).
#
#   firewall_save DIR     before dockerd starts: DIR/<variant>.rules per variant
#   firewall_restore DIR  after dockerd stopped: changed tables back, new ones emptied
#   firewall_check DIR    print what differs from DIR (counters aside); 1 if anything

# iptables variants present, one per line: both frameworks of both families where
# Debian's iptables ships them (iptables-save is one of the two by alternatives).
firewall_variants() {
  local family variant found
  for family in iptables ip6tables; do
    found=0
    for variant in nft legacy; do
      if command -v "$family-$variant-save" >/dev/null 2>&1 && command -v "$family-$variant-restore" >/dev/null 2>&1; then
        echo "$family-$variant"
        found=1
      fi
    done
    if [[ $found == 0 ]] && command -v "$family-save" >/dev/null 2>&1; then echo "$family"; fi
  done
}

# Table names in a save, in order.
firewall_tables() { awk '/^\*/ { print substr($0, 2) }' "$1"; }

# Table $2 of save file $1 as compared: no comments, no [packets:bytes] on chain lines.
# For x_tables (legacy) a table with built-in chains only, ACCEPT policies and no rules
# is as good as absent: the kernel cannot unregister a table, only empty it.
firewall_table() {
  awk -v t="$2" -v legacy="$3" '
    $0 == "*" t { on = 1; n = 0; empty = 1 }
    on && !/^#/ {
      sub(/ \[[0-9]+:[0-9]+\]$/, "")
      if ($0 ~ /^-A / || ($0 ~ /^:/ && $2 != "ACCEPT")) empty = 0
      lines[++n] = $0
    }
    on && $0 == "COMMIT" {
      on = 0
      if (!(legacy && empty)) for (i = 1; i <= n; i++) print lines[i]
    }' "$1"
}

# The raw text of table $2 in save file $1 (what iptables-restore reads back).
firewall_table_raw() {
  awk -v t="$2" '$0 == "*" t { on = 1 } on && !/^#/ { print } on && $0 == "COMMIT" { on = 0 }' "$1"
}

# Native nf_tables tables (not iptables-nft's own), "family name" per line.
firewall_native_tables() {
  command -v nft >/dev/null 2>&1 || return 0
  nft list tables 2>/dev/null | awk '
    $1 == "table" {
      f = $2; n = $3
      if ((f == "ip" || f == "ip6") && n ~ /^(filter|nat|mangle|raw|security)$/) next
      if (f == "arp" && n == "filter") next
      if (f == "bridge" && n ~ /^(filter|nat|broute)$/) next
      print f, n
    }'
}

firewall_save() {
  local dir="$1" variant
  rm -rf "$dir"
  mkdir -p "$dir"
  while read -r variant; do
    if "$variant-save" >"$dir/$variant.rules.tmp" 2>/dev/null; then
      mv "$dir/$variant.rules.tmp" "$dir/$variant.rules"
    else
      rm -f "$dir/$variant.rules.tmp"
      echo "runner-firewall: $variant-save failed; $variant is not saved" >&2
    fi
  done < <(firewall_variants)
  firewall_native_tables >"$dir/nft-tables"
}

# "table<TAB>variant" for each table that differs between DIR/<variant>.rules and now.
firewall_changed_tables() {
  local dir="$1" file variant now legacy table
  for file in "$dir"/*.rules; do
    [[ -e $file ]] || continue
    variant="$(basename "$file" .rules)"
    now="$(mktemp)"
    "$variant-save" >"$now" 2>/dev/null || { rm -f "$now"; echo "runner-firewall: $variant-save failed" >&2; continue; }
    legacy=0
    [[ $variant == *legacy* ]] && legacy=1
    # On Debian plain iptables-save is legacy when the alternatives point there.
    [[ $variant == iptables || $variant == ip6tables ]] && "$variant-save" --version 2>/dev/null | grep -q legacy && legacy=1
    while read -r table; do
      if [[ "$(firewall_table "$file" "$table" "$legacy")" != "$(firewall_table "$now" "$table" "$legacy")" ]]; then
        printf '%s\t%s\n' "$table" "$variant"
      fi
    done < <({ firewall_tables "$file"; firewall_tables "$now"; } | sort -u)
    rm -f "$now"
  done
}

firewall_restore() {
  local dir="$1" table variant v input
  [[ -d $dir ]] || return 0
  local changed
  changed="$(firewall_changed_tables "$dir")"
  for variant in $(cut -f2 <<<"$changed" | sort -u); do
    input="$(mktemp)"
    while IFS=$'\t' read -r table v; do
      [[ $v == "$variant" ]] || continue
      if firewall_tables "$dir/$variant.rules" | grep -qxF "$table"; then
        firewall_table_raw "$dir/$variant.rules" "$table" >>"$input"
      else
        printf '*%s\nCOMMIT\n' "$table" >>"$input"
      fi
    done <<<"$changed"
    if "$variant-restore" <"$input"; then
      echo "runner-firewall: $variant: restored $(grep -c '^\*' "$input") table(s) as before the engine started"
    else
      echo "runner-firewall: $variant-restore failed; the runner's $variant tables differ from before the engine" >&2
    fi
    rm -f "$input"
  done
  # Tables dockerd writes natively (Docker 29's nftables backend: "docker-bridges"); a
  # native table someone else made meanwhile is left alone (firewall_check reports it).
  local family name
  while read -r family name; do
    [[ -n $name ]] || continue
    grep -qxF "$family $name" "$dir/nft-tables" 2>/dev/null && continue
    if [[ $name == docker* ]]; then
      nft delete table "$family" "$name" && echo "runner-firewall: deleted nf_tables table $family $name (dockerd's)"
    fi
  done < <(firewall_native_tables)
}

firewall_check() {
  local dir="$1" table variant status=0
  if [[ ! -d $dir ]]; then
    echo "runner-firewall: nothing saved in $dir (the engine was not started by engine.sh)"
    return 3
  fi
  while IFS=$'\t' read -r table variant; do
    [[ -n $table ]] || continue
    status=1
    echo "runner-firewall: $variant table $table differs from before the engine started:"
    local now
    now="$(mktemp)"
    "$variant-save" >"$now" 2>/dev/null || true
    { diff <(firewall_table "$dir/$variant.rules" "$table" 0) <(firewall_table "$now" "$table" 0) || true; } |
      sed -n 's/^</  -/p; s/^>/  +/p'
    rm -f "$now"
  done < <(firewall_changed_tables "$dir")
  local added
  added="$(comm -13 <(sort "$dir/nft-tables" 2>/dev/null) <(firewall_native_tables | sort))"
  if [[ -n $added ]]; then
    status=1
    echo "runner-firewall: nf_tables tables that were not there before the engine started: ${added//$'\n'/, }"
  fi
  if [[ $status == 0 ]]; then
    echo "runner-firewall: the runner's iptables (every variant and table) are as before the engine started (counters aside)"
  fi
  return "$status"
}
