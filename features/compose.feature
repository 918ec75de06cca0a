Feature: A compose file as a scenario
  People describe their stacks in compose files, not in `docker network create` lines.
  `Given the services of compose file "…"` reads the file the way `docker compose up -d`
  does and creates the same things through the same Docker host: networks named
  `<project>_<key>` (the project is the file's directory name unless a step or the
  file's `name:` says otherwise), containers named `<project>-<service>-<n>`, network
  aliases (every service is also an alias of itself on each of its networks), internal
  networks, fixed subnets and addresses, published ports. Whatever `image:` and
  `command:` say, each service runs nettwin's workload and answers HTTP with its own
  name on each port it publishes or exposes. Steps name a service by its service name
  (its first replica), by `web-2`, or by its Docker name; a network by its compose key
  or its Docker name.

  The shop (features/compose/shop/compose.yaml): `web` publishes 8080 to everyone and its
  admin page 9090 on the host's loopback only; `api` sits on the internal network `back`
  (subnet 172.30.10.0/24, address 172.30.10.10) with the alias `orders`; `web` joins both
  networks. Its default route, and so its published ports, belong to `front`: libnetwork
  gives the gateway to the first non-internal network by name.

  Background:
    Given a Docker host
    And the services of compose file "compose/shop/compose.yaml"

  Scenario: the published front end answers everyone
    When an external client requests http://<host ip>:8080/
    Then the request succeeds with body "web"
    And rule "-A DOCKER ! -i <bridge of "front"> -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80" in table nat counted 1 packets
    And the counters match the model

  Scenario: the admin port answers on the host's loopback only
    When the host requests http://127.0.0.1:9090/
    Then the request succeeds with body "web"
    When an external client requests http://<host ip>:9090/
    Then the request is refused
    And rule "-A DOCKER -d 127.0.0.1/32 ! -i <bridge of "front"> -p tcp -m tcp --dport 9090 -j DNAT --to-destination 172.18.0.2:9090" in table nat counted nothing

  Scenario: the front end reaches the back end by its alias and by its service name
    When "web" requests http://orders/
    Then the request succeeds with body "api"
    When "web" requests http://api/
    Then the request succeeds with body "api"

  Scenario: the back end keeps its fixed address on an internal network with no way out
    Then network "back" has subnet 172.30.10.0/24
    And container "api" has address 172.30.10.10
    And container "shop-web-1" has address 172.18.0.2
    When "api" pings the external client
    Then the ping fails
    Given the external client routes 172.30.10.0/24 via the Docker host
    When the external client pings "api" 3 times
    Then the ping fails
    # Docker 29 has no isolation chains: an internal network's DROPs sit in DOCKER-INTERNAL.
    And by Docker version, these rules counted packets:
      | docker          | table  | rule                                                                       | packets | bytes |
      | 20.10, 26.1, 28 | filter | -A DOCKER-ISOLATION-STAGE-1 ! -s 172.30.10.0/24 -o <bridge of "back"> -j DROP | 3       | 252   |
      | 29              | filter | -A DOCKER-INTERNAL ! -s 172.30.10.0/24 -o <bridge of "back"> -j DROP          | 3       | 252   |

  # The sidecar (network_mode "service:web") starts in the first replica's namespace: it
  # sends from demo-web-1's address with its resolver. Docker refuses `expose` and `ports`
  # there, so it serves nothing of its own.
  Scenario: replicas are named <project>-<service>-<n>; a sidecar joins its service's namespace; UDP is published
    Given the services of compose file "compose/replicas/compose.yaml" with project name "demo"
    # Compose starts the replicas and "dns" concurrently: which gets 172.19.0.2, .3 or .4
    # changes from run to run on a real host (the twin follows it), so no step names one.
    Then network "demo_default" has subnet 172.19.0.0/16
    When "demo-web-2" requests http://demo-web-1/
    Then the request succeeds with body "web"
    When "sidecar" requests http://demo-web-2/
    Then the request succeeds with body "web"
    When the external client sends "hello" to <host ip>:5353/udp
    Then the datagram arrives
    And "dns" sees the datagram come from 192.168.70.9
