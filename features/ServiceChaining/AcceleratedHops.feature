@area:service-chaining
Feature: Accelerated hops carry a chain's flows on its exact path
  A chain's instances may ask for packet acceleration: a DPDK attachment, or shared memory between functions instead
  of a virtual switch (memif). Whatever each hop is granted, the chain must still carry every classified flow through
  exactly its hops, in order, and a symmetric chain its replies back through them. The report names what each hop really
  got. On the linux target a hop granted DPDK is a dpdk-testpmd process with af_packet ports on the instance's veths,
  and one granted shared memory is two testpmd processes joined by memif; the instance's namespace does not forward, so
  a delivered probe went through testpmd. On the emulator the hops are its modelled attachments. Checks RM
  infra.net.cfg.005 (service function chaining) and the seed gaps RM-gap packet-acceleration and RA1-gap
  packet-acceleration (a packet-acceleration request that automation can make, granted or falling back with a reason).

  @RM:infra.net.cfg.005 @RM-gap:packet-acceleration @RA1-gap:packet-acceleration
  Scenario: A chain through a DPDK hop and a shared-memory hop carries a flow and its reply on the exact path
    Given the target has been discovered
    And the service function instances:
      | instance | function | group | acceleration    |
      | fw-1     | firewall | fw    | kernel-virtio   |
      | rt-1     | router   | rt    | dpdk-vhost-user |
      | sm-1     | router   | sm    | shared-memory   |
    And a flow classifier "app" for udp traffic from "10.0.0.0/8"
    And a symmetric service chain "app" with id 50 through "fw,rt,sm" classified by "app"
    And the chain spec is applied
    When a udp probe goes from "10.5.0.1" port 4000 to "198.51.100.9" port 8080
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 50  | 255 | fw    | fw-1     |
      | 50  | 254 | rt    | rt-1     |
      | 50  | 253 | sm    | sm-1     |
    When the reply of the udp flow from "10.5.0.1" port 4000 to "198.51.100.9" port 8080 is probed
    Then the probe is delivered through exactly:
      | spi   | si  | group | instance |
      | 65586 | 255 | sm    | sm-1     |
      | 65586 | 254 | rt    | rt-1     |
      | 65586 | 253 | fw    | fw-1     |
