@reachability @compose
Feature: A compose stack's reachability contract
  features/compose/shop/compose.yaml as people write it: "web" is published on 8080 and
  serves an admin page on 9090, published on the host's loopback only; "api" sits on the
  internal network "back" with the alias "orders". The matrix is what compose and Docker
  give that file: the outside reaches the front end's published port but not the admin
  port, the front end reaches the back end, and the back end reaches nothing outside its
  internal network. "web" is on both networks: from "api" the header's `web:80` is its
  address on "back". Compose starts the services' programs on every port they publish or
  expose. A container's own 127.0.0.1 is its own loopback, so only the host probes
  127.0.0.1:9090. How "api" fails to leave its internal network depends on the version
  (FORWARD's DOCKER-ISOLATION-STAGE-1 DROP on 20.10, no default route from 26.1 on),
  so its row says `✗`.

  Scenario: The shop's contract
    Given the services of compose file "compose/shop/compose.yaml"
    Then the reachability is:
      | from → to           | web:80      | api:80      | <host ip>:8080 | <host ip>:9090 | 127.0.0.1:9090 | the external client |
      | web                 | -           | ✓           | ✓              | refused        | -              | ✓                   |
      | api                 | ✓           | -           | ✗              | ✗              | -              | ✗                   |
      | the host            | ✓           | ✓           | ✓              | refused        | ✓              | ✓                   |
      | the external client | unreachable | unreachable | ✓              | refused        | -              | -                   |
