#!/usr/bin/env bash
# DinD host with Debian sid's Docker 28.5 (client in package docker-cli, iptables 1.8.13).
SUITE=sid
PACKAGES=docker.io,nftables,docker-cli,iptables,iproute2,procps,ca-certificates,curl,conntrack,tcpdump,iputils-ping,netcat-openbsd
source "$(dirname "$0")/../common/dind.sh"
