#!/usr/bin/env bash
# DinD host with Debian trixie's Docker 26.1 (client in package docker-cli).
# dbus, firewalld, ufw and docker-compose are installed and never started unless a host asks
# (NETTWIN_HOST_FIREWALL, docker/common/host-firewall.sh): a plain host runs none of them.
SUITE=trixie
PACKAGES=docker.io,nftables,docker-cli,iptables,iproute2,procps,ca-certificates,curl,conntrack,tcpdump,iputils-ping,netcat-openbsd
EXTRA_PACKAGES=dbus,firewalld,ufw,docker-compose
source "$(dirname "$0")/../common/dind.sh"
