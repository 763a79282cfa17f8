@area:multi-site
Feature: Sites and the WAN budget
  An NFVI spans a core site, edge sites and (on the high-performance emulator) a public cloud; a chain spread over
  sites must stay within the WAN latency budget of the edge.
  No catalogue requirement sets a WAN figure: the RM names the edge extensions (low-latency-edge and the like)
  without numbers, and the multicloud entries of the catalogue are gaps. These scenarios therefore carry no
  requirement uid; the budget is a target figure (features/targets/<profile>.yaml, multisite.*) whose origin says
  it is an engineering choice. One scenario checks that every node names its site and the target lists the sites,
  the emulator's availability zones (RM:e.man.010).

  Background:
    Given the target has been discovered

  Scenario: The target has a core site and an edge site, each with nodes
    Then the target has a core site
    And the target has an edge site
    And every site hosts at least one node

  @requires:site:core-1 @requires:site:edge-1
  Scenario: The WAN path from core to edge stays within the edge budget
    Then the WAN path from "core-1" to "edge-1" stays within "multisite.edge_wan_budget_ms"
    And the WAN path from "core-1" to "edge-1" carries at least "multisite.edge_wan_bandwidth_min_gbps"

  @profile:high-performance @requires:site:core-1 @requires:site:public-1
  Scenario: A high-performance target reaches a public cloud site
    Then the target has a core site in a public cloud
    And the WAN path from "core-1" to "public-1" carries at least "multisite.edge_wan_bandwidth_min_gbps"

  @requires:site:edge-1
  Scenario: A workload that asks for the edge site is placed there
    Given a workload "edge-fn" asking for 1 cores and 1024 MiB of memory
    And it prefers for "data0" the ladder "kernel-virtio"
    And it asks for site "edge-1"
    When the target places 1 container of the request
    Then 1 instance is placed
    And every instance stands at site "edge-1"
    And every instance stands on a node carrying "low-latency-edge"

  @requires:site:edge-1
  Scenario: A workload that asks for the low-latency-edge extension is placed at the edge
    Given a workload "edge-fn" asking for 1 cores and 1024 MiB of memory
    And it prefers for "data0" the ladder "kernel-virtio"
    And it asks for profile extension "low-latency-edge"
    When the target places 1 VM of the request
    Then 1 instance is placed
    And every instance stands at site "edge-1"

  @RM:e.man.010
  Scenario: Every node names the site it stands in, and the sites are listed
    Then every node names the site it stands in
