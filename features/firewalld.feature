@firewalld @docker-26.1 @docker-28
Feature: Docker on a firewalld host
  Fedora, RHEL and openSUSE hosts filter with firewalld, whose nftables backend keeps its
  own `table inet firewalld` beside the iptables-nft tables Docker writes. dbus and
  firewalld start before dockerd (as at boot), so Docker's firewalld integration is live:
  Docker makes a `docker` zone, binds docker0 and every bridge it creates to it (28.5 also
  adds a `docker-forwarding` policy). The kernel runs both at each hook by priority:
  iptables-nft's filter table at priority 0, firewalld's chains at `filter + 10` (and
  `dstnat + 10`, …). An accept ends one base chain only; a drop or reject anywhere is final.

  The scenarios run on Docker 28.5 (Debian sid's firewalld 2.5) and 26.1 (trixie's
  firewalld 2.3, which names its chains differently: no dispatch chains, but a rule per
  interface and per interface pair in its `…_POLICIES` chains). The model starts from
  firewalld's table as recorded on a real host of that version (fixtures/nft/firewalld/)
  and binds each new bridge to Docker's zone as that firewalld release does. On twin every
  iptables counter, the native tables and the connectivity are compared. firewalld's own
  rules carry no `counter`, so they count nothing: its part shows in the packet path of
  the report.

  Background:
    Given a Docker host with firewalld
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "private" over http

  Scenario: A published port answers although the firewalld zone does not allow it
    The public zone (eth0's, the default) allows ssh and dhcpv6-client only, yet the
    published port answers: Docker's DNAT in nat PREROUTING (priority -100) turns the
    packet into a forwarded one before firewalld's INPUT chains could see it. iptables'
    FORWARD accepts it in Docker's DOCKER chain (priority 0); firewalld's filter_FORWARD
    (priority filter + 10) accepts it too, with its first rules: `ct status dnat accept`.

    When an external client requests http://<host ip>:8080/
    Then the request succeeds with body "private"
    And these rules counted packets:
      | table  | rule                                                                                     | packets |
      | nat    | -A DOCKER ! -i web_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80 | 1       |
      | filter | -A DOCKER -d 172.18.0.2/32 ! -i web_net -o web_net -p tcp -m tcp --dport 80 -j ACCEPT | 1       |
    And by Docker version, the nftables ruleset contains:
      | docker     | rule                                                                                        |
      | 26.1, 28.5 | inet firewalld filter_FORWARD: ct status dnat accept                                        |
      | 28.5       | inet firewalld filter_FORWARD_dispatch: iifname "web_net" jump filter_FWD_docker_dispatch_stage2 |
      | 26.1       | inet firewalld filter_FORWARD_POLICIES: iifname "web_net" jump filter_FWD_docker             |
      | 26.1, 28.5 | inet firewalld filter_FWD_docker_allow: oifname "web_net" accept                            |
      | 26.1, 28.5 | inet firewalld filter_IN_public_allow: tcp dport 22 accept                                  |

  Scenario: Opening the port in the zone changes nothing for the published port
    `firewall-cmd --add-port` writes to the zone's INPUT chains: a DNATed packet never
    reaches them. The request answers as before, counted by the same rules.

    When I run on the host: firewall-cmd --zone=public --add-port=8080/tcp
    And an external client requests http://<host ip>:8080/
    Then the request succeeds with body "private"
    And the nftables ruleset contains:
      """
      inet firewalld filter_IN_public_allow: tcp dport 8080 accept
      """
    And these rules counted packets:
      | table  | rule                                                                                  | packets |
      | filter | -A DOCKER -d 172.18.0.2/32 ! -i web_net -o web_net -p tcp -m tcp --dport 80 -j ACCEPT | 1       |

  Scenario: firewall-cmd --reload: firewalld rebuilds its table, Docker binds its bridges again
    A reload makes firewalld's permanent configuration the runtime one: the runtime-only
    port goes. firewalld's new table has no Docker zone at first; Docker, told by
    firewalld's Reloaded signal, adds its zone, its policy and its bridges again and puts
    its `FORWARD -j DOCKER-USER` jump back (moby#35043 and #50443 were hosts where it did
    not). nettwin waits until Docker has done so (on the real host that takes seconds);
    then the rules are as before the reload and the published port answers.

    When I run on the host:
      """
      firewall-cmd --zone=public --add-port=8080/tcp
      firewall-cmd --reload
      """
    And an external client requests http://<host ip>:8080/
    Then the request succeeds with body "private"
    And the filter table contains "-A FORWARD -j DOCKER-USER" exactly once
    And by Docker version, the nftables ruleset contains:
      | docker     | rule                                                                                        |
      | 28.5       | inet firewalld filter_FORWARD_dispatch: iifname "web_net" jump filter_FWD_docker_dispatch_stage2 |
      | 26.1       | inet firewalld filter_FORWARD_POLICIES: iifname "web_net" jump filter_FWD_docker             |
      | 26.1, 28.5 | inet firewalld filter_FWD_docker_allow: oifname "web_net" accept                            |

  Scenario: A reload after a network is removed: Docker 26.1 brings its rules back
    Until Docker 27, each network registers firewalld reload callbacks when it is created,
    and nothing removes them: after `docker network rm`, a reload writes the removed
    network's FORWARD, MASQUERADE and nat DOCKER rules again (not its isolation rules,
    which are no callback) and binds its bridge to Docker's zone again, where 28.5 reloads
    the networks that exist. The twin compares every rule and firewalld's table.

    Given a bridge network "old_net" with subnet 172.19.0.0/16 and gateway 172.19.0.1 named bridge "old_net"
    When I remove network "old_net"
    And I run on the host:
      """
      firewall-cmd --reload
      """
    Then by Docker version, the nftables ruleset contains:
      | docker | rule                                                                                   |
      | 26.1   | inet firewalld filter_FORWARD_POLICIES: iifname "old_net" jump filter_FWD_docker       |
      | 28.5   | inet firewalld filter_FORWARD_dispatch: iifname "web_net" jump filter_FWD_docker_dispatch_stage2 |

  Scenario: A native inet table with forward policy drop beside Docker cuts the containers off
    A distribution's own `inet filter` table (here at `filter - 10`, before iptables' and
    firewalld's chains) with `policy drop` on forward drops what Docker and firewalld
    accept: a drop anywhere is final. The container's pings to the outside never leave.

    When I run on the host:
      """
      nft add table inet filter
      nft add chain inet filter forward '{ type filter hook forward priority filter - 10; policy drop; }'
      nft add rule inet filter forward ct state established,related counter accept
      """
    And "web" pings the external client 3 times
    Then the ping fails
    And nft rule "inet filter forward: ct state established,related accept" counted 0 packets
    And these rules counted packets:
      | table  | rule                       | packets |
      | filter | -A FORWARD -j DOCKER-USER  | 0       |

  Scenario: The fix: the native table lets Docker's bridges through, Docker and firewalld decide the rest
    The first echo request is NEW and passes on the bridge rule; the next two and the three
    replies belong to the connection and pass on the established rule.

    When I run on the host:
      """
      nft add table inet filter
      nft add chain inet filter forward '{ type filter hook forward priority filter - 10; policy drop; }'
      nft add rule inet filter forward ct state established,related counter accept
      nft add rule inet filter forward 'iifname "web_net" counter accept'
      """
    And "web" pings the external client 3 times
    Then the ping succeeds
    And nft rule "inet filter forward: iifname "web_net" accept" counted 1 packet and 84 bytes
    And nft rule "inet filter forward: ct state established,related accept" counted 5 packets and 420 bytes
    And these rules counted packets:
      | table  | rule                       | packets |
      | filter | -A FORWARD -j DOCKER-USER  | 6       |
