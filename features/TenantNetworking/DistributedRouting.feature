@area:tenant-networks
Feature: Traffic routed between two subnets of a tenant goes straight from the source compute node to the destination's
  With distributed virtual routing (RA1 inf.nw.06, Neutron DVR), every compute node holds the tenant router's
  interfaces, so east-west traffic between two subnets is routed on the node where it starts and crosses the underlay
  once, straight to the destination node, on the destination network's VNI; no network node sees it. The probe shows
  it was routed (TTL one lower, the router's interface MAC as source), and the underlay frames show where it went. A
  centralised router would add a hop through the network node and fail the check.

  @RA1:inf.nw.06
  Scenario: A TCP probe from one subnet to another is routed on its own compute node and crosses the underlay once
    Given projects "tenant-a"
    And project "tenant-a" has internal network "front" with subnet "10.30.0.0/24"
    And project "tenant-a" has internal network "back" with subnet "10.31.0.0/24"
    And project "tenant-a" has router "r1" on networks "front,back"
    And port "f1" of project "tenant-a" on network "front" on the first compute node
    And port "b1" of project "tenant-a" on network "back" on the second compute node
    When a tcp probe goes from port "f1" to "b1" port 80
    Then the probe from port "f1" reached port "b1" routed on its own compute node: one underlay hop, straight to the destination node on the VNI of network "back"
