@seed-002 @standalone-host
Feature: Replaying a production iptables-save dump
  Seed 002 prints the ruleset of a production host with four bridges (docker0 and three
  user-defined networks whose bridges are named br-<id>). The dump is enough to ask what
  happens to a packet: restore it on a host that has the same interfaces, and send the
  packet. On the model the dump is parsed and the packet walks the packet path; on a
  real host the dump is loaded with iptables-restore.

  A source address inside a bridge's subnet that is not the host's own is a container
  behind that bridge; so is the destination.

  Background:
    Given a host restored from the iptables-save in "fixtures/seeds/002-four-bridges.iptables-save" with interfaces:
      | name            | kind   | address         |
      | eth0            | ether  | 192.168.70.6/24 |
      | docker0         | bridge | 172.17.0.1/16   |
      | br-cbd0f56841ce | bridge | 172.18.0.1/16   |
      | br-9559b3f84d38 | bridge | 172.19.0.1/16   |
      | br-cfcd23a5f04c | bridge | 172.21.0.1/16   |

  Scenario: The production rules isolate 172.19 from 172.18 until two ACCEPTs are inserted
    When 172.19.0.2 sends a ping to 172.18.0.2 on that host
    Then the ping fails
    When I run on the host:
      """
      iptables -I DOCKER-ISOLATION-STAGE-1 -i br-9559b3f84d38 -o br-cbd0f56841ce -j ACCEPT
      iptables -I DOCKER-ISOLATION-STAGE-1 -i br-cbd0f56841ce -o br-9559b3f84d38 -j ACCEPT
      """
    And 172.19.0.2 sends a ping to 172.18.0.2 on that host 2 times
    Then the ping succeeds
    And the counters match the model

  Scenario: Containers on the same production bridge reach each other
    When 172.18.0.2 sends a ping to 172.18.0.3 on that host
    Then the ping succeeds
    And the counters match the model
