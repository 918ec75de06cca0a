#!/usr/bin/env bash
# DinD host with Debian sid's Docker 28.5 (client in package docker-cli, iptables 1.8.13).
# dbus, firewalld, ufw and docker-compose are installed and never started unless a host asks
# (NETTWIN_HOST_FIREWALL, docker/common/host-firewall.sh): a plain host runs none of them.
SUITE=sid
PACKAGES=docker.io,nftables,docker-cli,iptables,iproute2,procps,ca-certificates,curl,conntrack,tcpdump,iputils-ping,netcat-openbsd
EXTRA_PACKAGES=dbus,firewalld,ufw,docker-compose
source "$(dirname "$0")/../common/dind.sh"
