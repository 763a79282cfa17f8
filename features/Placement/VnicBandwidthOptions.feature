@area:placement
Feature: vNIC bandwidth options are guaranteed only where a physical port can back them
  RM ch4.2.5 (Table 4-17) lets a workload ask for a vNIC with a bandwidth option n<Gbps>, in five ranges
  (RM:vnic.n1-n6, RM:vnic.n10-n60, RM:vnic.n25-n150, RM:vnic.n50-n300, RM:vnic.n100-n600). The NFVI must
  guarantee what it grants, so a grant has to sit on a physical port at least as fast as the option, and the
  guarantees on a port must never add up to more than the port's speed (OpenStack: Neutron QoS minimum-bandwidth
  rules over Placement's NET_BW_EGR_KILOBIT_PER_SEC inventories; Kubernetes: a bandwidth-aware device plugin).
  Checks, for every option of every range: the option is granted on a port whose speed (as discovery reports it)
  is at least the option; asking again on that port is granted exactly as many times as fit in its speed and then
  refused with a reason naming the port and what is guaranteed on it. An option no NIC of the profile can carry
  is N/A with the reason (basic nodes have 10 Gbps ports, high-performance nodes 25 and 100 Gbps ports: nothing
  emulated backs 150 Gbps or more); asked anyway, it is refused naming the fastest port.

  Background:
    Given the target has been discovered

  Scenario Outline: The vNIC bandwidth option <option> is guaranteed on a port that can carry it, never oversubscribed
    When a workload asks for the vNIC bandwidth option "<option>"
    Then the option is guaranteed on a physical port at least as fast
    And asking again on that port is granted until its speed is used up, then refused with the reason

    @RM:vnic.n1-n6
    Examples: n1-n6
      | option |
      | n1 |
      | n2 |
      | n3 |
      | n4 |
      | n5 |
      | n6 |

    @RM:vnic.n10-n60
    Examples: n10-n60
      | option |
      | n10 |
      | n20 |
      | n30 |
      | n40 |
      | n50 |
      | n60 |

    @RM:vnic.n25-n150
    Examples: n25-n150
      | option |
      | n25 |
      | n50 |
      | n75 |
      | n100 |
      | n125 |
      | n150 |

    @RM:vnic.n50-n300
    Examples: n50-n300
      | option |
      | n50 |
      | n100 |
      | n150 |
      | n200 |
      | n250 |
      | n300 |

    @RM:vnic.n100-n600
    Examples: n100-n600
      | option |
      | n100 |
      | n200 |
      | n300 |
      | n400 |
      | n500 |
      | n600 |

  @RM:vnic.n100-n600
  Scenario: An option no port can back is refused with the reason
    When a workload asks for the vNIC bandwidth option "n600" whatever the hardware
    Then the option is refused because "needs a physical port of at least 600 Gbps"

  Scenario: A bandwidth that is not an RM option is refused with the valid options
    When a workload asks for the vNIC bandwidth option "n7" whatever the hardware
    Then the option is refused because "is not a vNIC bandwidth option of the RM (Table 4-17); use one of n1, n2"
