@production-bug @moby-4737 @moby-22054
Feature: moby#4737 — a host firewall in INPUT does not protect published ports
  Reported in moby/moby#4737 (2014, still the most linked Docker networking issue) and
  moby/moby#22054: "I set ufw to deny incoming connections, yet `docker run -p 8080:80`
  is reachable from the whole internet." ufw, firewalld-style scripts and hand-written
  rules filter in the filter table's INPUT chain. A published port never gets there:
  nat PREROUTING's DOCKER chain rewrites the destination to the container's address
  before the routing decision, so the packet is forwarded (FORWARD), not delivered to
  the host (INPUT). The INPUT DROP policy counts nothing.

  Docker's answer is the DOCKER-USER chain: FORWARD jumps to it before any of Docker's
  own rules, and Docker never flushes it. A rule there sees the packet after DNAT,
  so `--dport 8080` no longer matches (the port is 80 by then); the original port is
  in the connection's conntrack entry: `-m conntrack --ctorigdstport 8080`.

  Background:
    Given a Docker host
    And a bridge network "web_net" with subnet 172.18.0.0/16 and gateway 172.18.0.1 named bridge "web_net"
    And container "web" on network "web_net" with ip 172.18.0.2 publishing 8080:80 serving "private" over http
    And I run on the host:
      """
      iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      iptables -A INPUT -i lo -j ACCEPT
      iptables -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      iptables -P INPUT DROP
      """

  Scenario: The INPUT DROP policy does not stop an outside client reaching the published port
    When an external client requests http://<host ip>:8080/
    Then the request succeeds with body "private"
    And these rules counted packets:
      | table  | rule                                                                                   | packets |
      | filter | :INPUT                                                                                 | 0       |
      | filter | -A DOCKER -d 172.18.0.2/32 ! -i web_net -o web_net -p tcp -m tcp --dport 80 -j ACCEPT | 1       |

  Scenario: A DOCKER-USER rule on the published port number matches nothing: DNAT came first
    When I run on the host: iptables -I DOCKER-USER -i eth0 -p tcp -m tcp --dport 8080 -j DROP
    And an external client requests http://<host ip>:8080/
    Then the request succeeds with body "private"
    And these rules counted packets:
      | table  | rule                                                     | packets |
      | filter | -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 8080 -j DROP | 0       |

  Scenario: DOCKER-USER with --ctorigdstport closes the published port to the outside
    The client's SYN is dropped before its conntrack entry is confirmed, so each of its
    three attempts is NEW again and is translated again: the DNAT rule counts three.

    When I run on the host: iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP
    And an external client requests http://<host ip>:8080/
    Then the request times out
    And these rules counted packets:
      | table  | rule                                                                                     | packets |
      | filter | :INPUT                                                                                   | 0       |
      | filter | -A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP                   | 3       |
      | nat    | -A DOCKER ! -i web_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80 | 3       |
