@area:hardware-discovery
Feature: NICs, offloads, SR-IOV and accelerators found without manual steps
  The infrastructure finds its own hardware and publishes what it offers consistently with it (RM ch5 hardware
  profile, RA2 ch2 node requirements, RA2 ra2.ch.018 node feature labels).
  Checks: NIC port speed per profile (RM:infra.hw.nic.cfg.002, RA2:ra2.ch.014 basic, RA2:ra2.ch.015 high
  performance, from features/targets); at least two physical links per node (RA2:inf.ntw.02); SR-IOV NICs with VFs
  created in advance on every high-performance node (RA2:ra2.ch.002, RA2:ra2.ch.003, RM:infra.hw.nac.cfg.004,
  RM:e.cap.013); a DPDK-bound port behind the accelerated vSwitch capability (RM:infra.net.acc.cfg.001,
  RM:e.cap.019); SmartNIC (RM:infra.hw.nac.cfg.002, RM:e.cap.015), crypto behind a standard interface
  (RM:infra.hw.nac.cfg.001, RM:infra.net.acc.cfg.003, RM:infra.net.acc.cfg.004, RM:e.cap.009), compression
  (RM:infra.hw.nac.cfg.003), GPU (RM:infra.hw.cac.cfg.001), AF_XDP-capable NICs (RA2:infra.net.acc.cfg.005,
  RM:e.cap.025); the published architecture equals the CPU found (RM:e.cap.020, RM:infra.hw.001); offered pinning,
  huge pages and NUMA are backed by the hardware (RM:e.cap.006, RM:e.cap.023, RM:infra.com.cfg.004, RM:e.cap.007);
  every hardware feature found is published as a node feature label (RA2:ra2.ch.018); crypto and compression
  accelerators are reached through open standard interfaces (RA1:int.acc.01); SR-IOV VFs are advertised as
  allocatable devices and accounted when assigned (RA2:ra2.k8s.007, RA2:ra2.ntw.008); a link fault is notified to
  subscribers with what changed (RM:e.man.009).
  Host facts read the way a real discovery reads them (lspci/dmidecode, ethtool, os-release, uname): at least four
  NIC ports per host (RM:infra.hw.nic.cfg.001, RA2:ra2.ch.013, figure from RM Table 5-17); at least eight PCIe
  slots of Gen 3 or later with eight lanes or more, every NIC and accelerator sitting in a reported slot
  (RM:infra.hw.pci.cfg.001/002/003, RA2:ra2.ch.016, RM Table 5-18); both huge-page sizes exposed as hugepages-2Mi
  and hugepages-1Gi and backed by configured pages (RA2:ra2.ch.001); the host OS and the virtualisation layer
  published as concrete, versioned values equal to what the host reports, never the catalogue placeholder
  (RM:e.cap.021/022, RM:infra.sw.001/002); where AF_XDP is offered, every worker has a netdev whose driver
  advertises xsk-zerocopy and is one of the kernel drivers that implement it (RA2:ra2.ch.019; N/A on basic, which
  offers no AF_XDP).

  Background:
    Given the target has been discovered

  @RM:infra.hw.nic.cfg.002 @RA2:ra2.ch.014 @profile:basic
  Scenario: Basic nodes have NIC ports of at least the basic speed
    Then every NIC port of the profile's nodes runs at least at "hardware.nic_speed_min_gbps"

  @RM:infra.hw.nic.cfg.002 @RA2:ra2.ch.015 @profile:high-performance
  Scenario: High-performance nodes have NIC ports of at least the high-performance speed
    Then every NIC port of the profile's nodes runs at least at "hardware.nic_speed_min_gbps"

  @RA2:inf.ntw.02
  Scenario: Every node has redundant physical links
    Then every node of the profile has at least "hardware.physical_links_min" physical links up

  @RA2:ra2.ch.002 @RA2:ra2.ch.003 @RM:infra.hw.nac.cfg.004 @RM:e.cap.013 @profile:high-performance
  Scenario: Every high-performance node has SR-IOV NICs with virtual functions created in advance
    Then every node of the profile has a NIC with "sr-iov virtual functions"
    And the SR-IOV NICs have virtual functions created and free to assign
    And every node with a NIC that has "sr-iov virtual functions" offers "RM:e.cap.013"

  @RM:infra.net.acc.cfg.001 @RM:e.cap.019 @profile:high-performance
  Scenario: The accelerated vSwitch capability is backed by DPDK-bound ports
    Then some NIC of the profile's nodes has "a DPDK driver"
    And every node with a NIC that has "a DPDK driver" offers "RM:e.cap.019"

  @RM:infra.hw.nac.cfg.002 @RM:e.cap.015 @profile:high-performance @requires:RM:e.cap.015
  Scenario: A SmartNIC is found and published as network offload
    Then some NIC of the profile's nodes has "SmartNIC offload"
    And every node with a NIC that has "SmartNIC offload" offers "RM:e.cap.015"
    And every node with a NIC that has "SmartNIC offload" offers "network-smartnic"

  @RM:infra.hw.nac.cfg.001 @RM:infra.net.acc.cfg.003 @RM:infra.net.acc.cfg.004 @RM:e.cap.009 @profile:high-performance
  Scenario: A crypto accelerator is found behind a standard interface
    Then some node of the profile has a "crypto" accelerator behind the "dpdk-cryptodev" interface
    And every node with a "crypto" accelerator offers "RM:e.cap.009"

  @RM:infra.hw.nac.cfg.003 @profile:high-performance
  Scenario: A compression accelerator is found
    Then some node of the profile has a "compression" accelerator behind the "dpdk-compressdev" interface
    And every node with a "compression" accelerator offers "compression"

  @RM:infra.hw.cac.cfg.001 @profile:high-performance
  Scenario: A GPU is found and published
    Then some node of the profile has a "gpu" accelerator
    And every node with a "gpu" accelerator offers "compute-gpu"

  @RA2:infra.net.acc.cfg.005 @RM:e.cap.025 @profile:high-performance
  Scenario: AF_XDP-capable NICs are found and published
    Then some NIC of the profile's nodes has "xdp"
    And every node with a NIC that has "xdp" offers "RM:e.cap.025"

  @RM:e.cap.020 @RM:infra.hw.001
  Scenario: The published processor architecture is the CPU found
    Then every node of the profile publishes its CPU architecture as "RM:e.cap.020"

  @RM:e.cap.006 @profile:high-performance
  Scenario: Offered CPU pinning is backed by the CPU
    Then every node offering "RM:e.cap.006" shows "CPU pinning" in its hardware inventory

  @RM:e.cap.023 @RM:infra.com.cfg.004 @profile:high-performance
  Scenario: Offered huge pages are configured on the nodes
    Then every node offering "RM:e.cap.023" shows "huge pages" in its hardware inventory

  @RA2:ra2.ch.018 @profile:high-performance
  Scenario Outline: Every node with a NIC that has <hardware> publishes the feature label "<label>"
    Then every node with a NIC that has "<hardware>" offers "<label>"

    Examples:
      | hardware                 | label      |
      | sr-iov virtual functions | sriov      |
      | a DPDK driver            | dpdk       |
      | SmartNIC offload         | smartnic   |
      | xdp                      | xdp        |
      | vxlan                    | vxlan-offload |

  @RA2:ra2.ch.018 @profile:high-performance
  Scenario Outline: Every node with a <kind> accelerator publishes the feature label "<label>"
    Then every node with a "<kind>" accelerator offers "<label>"

    Examples:
      | kind        | label       |
      | crypto      | crypto      |
      | compression | compression |
      | gpu         | gpu         |

  @RA1:int.acc.01 @profile:high-performance
  Scenario Outline: Every <kind> accelerator is reached through an open, standard interface
    Then every "<kind>" accelerator is reached through one of "dpdk-cryptodev, dpdk-compressdev, dpdk-bbdev, virtio-crypto, o-ran-aal"

    Examples:
      | kind        |
      | crypto      |
      | compression |

  @RA2:ra2.k8s.007 @RA2:ra2.ntw.008 @profile:high-performance
  Scenario: SR-IOV virtual functions are advertised as allocatable devices and accounted when assigned
    Given the free virtual functions advertised are counted
    And a workload "upf" asking for 1 cores and 1024 MiB of memory
    And it prefers for "data0" the ladder "sriov-vf"
    When the target places 3 containers of the request
    Then 3 instances are placed
    And every interface uses "sriov-vf"
    And the free virtual functions advertised dropped by those handed out

  @RM:e.man.009 @profile:high-performance @requires:node:edge-h1
  Scenario: A link fault is notified to subscribers with what changed
    Given the scenario subscribes to capability changes
    When the link of NIC "eno1" on node "edge-h1" goes down
    Then a capability change on node "edge-h1" is notified

  @RM:infra.hw.nic.cfg.001 @RA2:ra2.ch.013
  Scenario: Every host has at least four NIC ports
    Then every node of the profile has at least "hardware.nic_ports_min" NIC ports

  @RM:infra.hw.pci.cfg.001 @RM:infra.hw.pci.cfg.002 @RM:infra.hw.pci.cfg.003 @RA2:ra2.ch.016
  Scenario: Every host has eight PCIe Gen 3 slots of eight lanes, holding the devices found
    Then every node of the profile has at least "hardware.pci_slots_min" PCIe slots of generation "hardware.pci_generation_min" with "hardware.pci_lanes_min" lanes

  @RA2:ra2.ch.001 @profile:high-performance
  Scenario: High-performance nodes expose both 2 MiB and 1 GiB huge pages
    Then every node of the profile exposes 2 MiB and 1 GiB huge pages

  @RM:e.cap.021 @RM:infra.sw.001
  Scenario Outline: The host operating system is published as the node reports it (<uid>)
    Then every node of the profile publishes "<uid>" as the "host operating system" the host reports

    Examples:
      | uid             |
      | RM:e.cap.021    |
      | RM:infra.sw.001 |

  @RM:e.cap.022 @RM:infra.sw.002
  Scenario Outline: The virtualisation layer is published as the node reports it (<uid>)
    Then every node of the profile publishes "<uid>" as the "virtualisation layer" the host reports

    Examples:
      | uid             |
      | RM:e.cap.022    |
      | RM:infra.sw.002 |

  @RA2:ra2.ch.019 @requires:RM:e.cap.025
  Scenario: Where AF_XDP is offered, worker nodes have zero-copy-capable netdevs
    Then every node of the profile has a netdev with AF_XDP zero-copy
