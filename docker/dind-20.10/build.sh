#!/usr/bin/env bash
# DinD host with Debian bookworm's Docker 20.10 (the engine of the seed articles).
SUITE=bookworm
PACKAGES=docker.io,nftables,iptables,iproute2,procps,ca-certificates,curl,conntrack,tcpdump,iputils-ping,netcat-openbsd
source "$(dirname "$0")/../common/dind.sh"
