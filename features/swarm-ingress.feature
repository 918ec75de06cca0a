@model-only @seed-003
Feature: Swarm's routing mesh: docker_gwbridge and the DOCKER-INGRESS chains
  `docker swarm init` makes a bridge network, docker_gwbridge (the next free subnet,
  172.18.0.0/16 on a fresh host; inter-container traffic off, masquerade on), and puts
  swarm's ingress sandbox on it at 172.18.0.2. A service that publishes a port on the
  routing mesh gets two DOCKER-INGRESS chains (seed 003): in nat, traffic to a local
  address on the published port is DNATed to the ingress sandbox, same port, where IPVS
  balances it to the service's tasks; in filter, the port and its replies are accepted
  before Docker's bridge rules see them. Docker 28 moved the filter jump from FORWARD into
  DOCKER-FORWARD, first; Docker 29 writes the same rules (moby's swarm-portmap document,
  src/docker/moby-docs.test.ts), and its nftables backend refuses swarm mode.

  The model only (tag @model-only): the kernel of the machines nettwin's real hosts run on
  has no IPVS, so there Docker starts the swarm and the task but writes no DOCKER-INGRESS
  rule at all (src/dind/swarm.docker-test.ts measures it). The model stops at the DNAT:
  what IPVS does in the ingress sandbox is not modelled.

  Scenario Outline: A service publishing 8080:80 on Docker <version>
    Given a Docker host running Docker <version>
    And a one-node swarm
    When I create a service "web" publishing 8080:80
    Then the nat table contains:
      """
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
      -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
      -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
      -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
      -A DOCKER-INGRESS -j RETURN
      """
    And the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-FORWARD
      -A DOCKER-FORWARD -j DOCKER-INGRESS
      -A DOCKER-FORWARD -j DOCKER-CT
      -A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
      -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
      -A DOCKER-INGRESS -p tcp -m tcp --sport 8080 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A DOCKER-INGRESS -j RETURN
      """

    Examples:
      | version |
      | 28.5    |
      | 29.7    |

  Scenario: Docker 20.10 jumps to DOCKER-INGRESS from FORWARD, under DOCKER-USER
    Given a Docker host running Docker 20.10
    And a one-node swarm
    When I create a service "web" publishing 8080:80
    Then the filter table contains:
      """
      -A FORWARD -j DOCKER-USER
      -A FORWARD -j DOCKER-INGRESS
      -A FORWARD -j DOCKER-ISOLATION-STAGE-1
      -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
      -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT
      -A DOCKER-INGRESS -j RETURN
      """
