Feature: UDP: one datagram, the listener that got it, and the source it saw
  `docker run -p 5353:53/udp` writes the same rules as a TCP port, with `-p udp`: a DNAT
  in the nat DOCKER chain and an ACCEPT in the filter DOCKER chain. A datagram has no
  handshake and no answer, so what a scenario checks is whether a listener received it
  and which source address it saw.

  The listener is `nc -u -l` in the container (one per datagram), which logs the peer
  of each datagram; the sender is `echo PAYLOAD | nc -u`, so the payload goes out with
  echo's newline: "hello" is 6 bytes, 34 with the IP and UDP headers.

  Background:
    Given a Docker host
    And a bridge network "back"
    And container "dns" on network "back" publishing 5353:53/udp listening on udp port 53
    And container "web" on network "back"

  Scenario: A datagram between containers on one network arrives with the sender's address
    When "web" sends "ping" to "dns" on udp port 53
    Then the datagram arrives
    And "dns" sees the datagram come from 172.18.0.3
    And by Docker version, these rules counted packets:
      | docker      | table  | rule                                                                  | packets | bytes |
      | 28, 29      | filter | -A DOCKER-FORWARD -i <bridge of "back"> -j ACCEPT                     | 1       | 33    |
      | 20.10, 26.1 | filter | -A FORWARD -i <bridge of "back"> -o <bridge of "back"> -j ACCEPT      | 1       | 33    |

  Scenario: A datagram to the published port is translated and arrives with the client's address
    When the external client sends "hello" to 192.168.70.6:5353/udp
    Then the datagram arrives
    And "dns" sees the datagram come from 192.168.70.9
    And these rules counted packets:
      | table  | rule                                                                                                         | packets | bytes |
      | nat    | -A DOCKER ! -i <bridge of "back"> -p udp -m udp --dport 5353 -j DNAT --to-destination 172.18.0.2:53          | 1       | 34    |
      | filter | -A DOCKER -d 172.18.0.2/32 ! -i <bridge of "back"> -o <bridge of "back"> -p udp -m udp --dport 53 -j ACCEPT | 1       | 34    |

  Scenario: A datagram to a port nothing publishes is lost
    When the external client sends "hello" to <host ip>:5354/udp
    Then the datagram is lost

  Scenario: A datagram from another network is dropped on the way
    Given container "box"
    When "box" sends "ping" to "dns" on udp port 53
    Then the datagram is lost
    And by Docker version, these rules counted packets:
      | docker      | table  | rule                                                           | packets | bytes |
      | 28, 29      | raw    | -A PREROUTING -d 172.18.0.2/32 ! -i <bridge of "back"> -j DROP | 1       | 33    |
      | 20.10, 26.1 | filter | -A DOCKER-ISOLATION-STAGE-2 -o <bridge of "back"> -j DROP      | 1       | 33    |

  Scenario: A stopped listener gets nothing; started again, it gets the next datagram
    When I stop container "dns"
    And "web" sends "ping" to "dns" on udp port 53
    Then the datagram is lost
    When I start container "dns"
    And "web" sends "ping" to "dns" on udp port 53
    Then the datagram arrives
    And "dns" sees the datagram come from 172.18.0.3
