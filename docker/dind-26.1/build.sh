#!/usr/bin/env bash
# DinD host with Debian trixie's Docker 26.1 (client in package docker-cli).
SUITE=trixie
PACKAGES=docker.io,nftables,docker-cli,iptables,iproute2,procps,ca-certificates,curl,conntrack,tcpdump,iputils-ping,netcat-openbsd
source "$(dirname "$0")/../common/dind.sh"
