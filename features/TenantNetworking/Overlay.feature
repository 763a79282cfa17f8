@area:tenant-networks
Feature: East-west tenant traffic crosses the underlay in VXLAN whose outer source port spreads flows over ECMP paths
  Frames between workloads of one tenant network on two compute nodes are carried by a tunnelled overlay (RA1
  inf.nw.05). The check decodes, with the suite's own parser, the tunnel packet each probe became at the receiving
  node's tunnel endpoint (after any underlay decryption): UDP to port 4789 with the VXLAN I flag and the network's VNI,
  and inside it the workload's frame byte for byte. RM infra.net.cfg.002 asks that the encapsulation lets the underlay
  use ECMP: RFC 7348 section 5 does so by putting a hash of the inner flow in the outer UDP source port (49152-65535),
  so 64 flows must show many distinct source ports on the wire, while both packets of one flow keep the same one (a
  flow must stay on one path, or it is reordered). A target that puts one fixed source port on every tunnel packet
  fails the second check.

  Background:
    Given projects "tenant-a"
    And project "tenant-a" has internal network "net1" with subnet "10.20.0.0/24"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    And port "a2" of project "tenant-a" on network "net1" on the second compute node

  @RA1:inf.nw.05 @RM:infra.net.cfg.002
  Scenario: 64 UDP flows between two compute nodes ride VXLAN on their network's VNI, each on its own outer source port
    When 64 udp flows go from port "a1" to port "a2", each twice
    Then every flow crossed the underlay as VXLAN with the VNI of network "net1", its inner frame unchanged
    And the outer UDP source ports on the wire take at least 32 distinct values in 49152-65535, one per flow
