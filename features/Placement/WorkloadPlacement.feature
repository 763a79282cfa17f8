@area:placement
Feature: Placing VMs and containers
  Workloads are placed with the compute, memory and network resources they asked for, VMs and containers alike,
  pinned and NUMA-local where asked, apart where asked, and all-or-nothing when they form one chain.
  Checks: a VM and a container of one chain are allocated compute and network together, each interface with a MAC,
  an IP and a port that no other interface of the target has (RM:e.man.001, RM:e.man.003, RA1:inf.nw.01,
  RA2:inf.ntw.10); on high performance a container gets an SR-IOV interface next to a VM (RA2:ra2.ntw.010); pinned
  vCPUs get cores of their own outside the infrastructure's reserved cores (RM:e.cap.006); NUMA-aligned requests
  get cores and NICs on one NUMA node (RM:e.cap.007); huge pages are allocated as asked (RM:e.cap.023); SR-IOV
  interfaces are VFs of a NIC of the node (RM:e.cap.013); a pod gets five extra connection points besides the default
  one (RA2:ra2.ntw.003, RM:e.cap.004); each connection point states its I/O virtualisation type
  (RM:infra.net.cfg.001).

  Background:
    Given the target has been discovered

  @RM:e.man.001 @RM:e.man.003 @RA1:inf.nw.01 @RA2:inf.ntw.10
  Scenario: A VM and a container of one chain are placed together
    Given a VM "fw" in the chain with the ladder "kernel-virtio"
    And a container "nat" in the chain with the ladder "kernel-virtio"
    When the target places the chain
    Then 2 instances are placed
    And the placed instances include VMs and containers
    And every interface has a MAC, an IP and a port that no other interface of the target has
    And releasing the instances frees them on the target

  @RA2:ra2.ntw.010 @profile:high-performance
  Scenario: On high performance a container gets an SR-IOV interface in a chain with a VM
    Given a VM "fw" in the chain with the ladder "smartnic-offload > dpdk-vhost-user > kernel-virtio"
    And a container "upf" in the chain with the ladder "sriov-vf"
    When the target places the chain
    Then 2 instances are placed
    And the placed instances include VMs and containers
    And every virtual function handed out belongs to a NIC of the instance's node

  @profile:basic
  Scenario: A chain that cannot be placed whole is not placed at all
    Given a VM "fw" in the chain with the ladder "kernel-virtio"
    And a container "upf" in the chain with the ladder "sriov-vf"
    When the target places the chain
    Then the placement fails and nothing stays committed

  @RM:e.cap.006 @profile:high-performance
  Scenario: Dedicated vCPUs are pinned to cores of their own
    Given a workload "dp" asking for 4 cores and 4096 MiB of memory
    And it asks for dedicated cores
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target places 3 VMs of the request
    Then 3 instances are placed
    And every vCPU is pinned to its own core, outside the infrastructure's reserved cores

  @RM:e.cap.007 @RM:e.cap.013 @profile:high-performance
  Scenario: A NUMA-aligned request gets its cores and its NIC on one NUMA node
    Given a workload "dp" asking for 4 cores and 4096 MiB of memory
    And it asks for dedicated cores
    And it asks for NUMA alignment
    And it prefers for "data0" the ladder "sriov-vf"
    When the target places 2 containers of the request
    Then 2 instances are placed
    And every instance's cores and NICs are on its NUMA node
    And every interface uses "sriov-vf"
    And every virtual function handed out belongs to a NIC of the instance's node

  @RM:e.cap.023 @profile:high-performance
  Scenario: Huge pages are allocated as asked
    Given a workload "dp" asking for 2 cores and 4096 MiB of memory
    And it asks for 2048 MiB of huge pages
    And it prefers for "data0" the ladder "dpdk-vhost-user"
    When the target places 2 VMs of the request
    Then 2 instances are placed
    And every instance holds 2048 MiB of huge pages
    And every interface uses "dpdk-vhost-user"

  @requires:nodes:2
  Scenario: Anti-affine instances stand on different nodes
    Given a workload "lb" asking for 1 cores and 1024 MiB of memory
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target places 2 anti-affine VMs of the request
    Then 2 instances are placed
    And the instances stand on different nodes

  @RA2:ra2.ntw.003 @RM:e.cap.004
  Scenario: A pod gets five extra connection points besides the default one
    Given a workload "multi" asking for 1 cores and 1024 MiB of memory
    And it prefers for "eth0" the ladder "kernel-virtio"
    And it prefers for "net1" the ladder "kernel-virtio"
    And it prefers for "net2" the ladder "kernel-virtio"
    And it prefers for "net3" the ladder "kernel-virtio"
    And it prefers for "net4" the ladder "kernel-virtio"
    And it prefers for "net5" the ladder "kernel-virtio"
    When the target places 1 container of the request
    Then 1 instance is placed
    And every instance has the default interface plus "placement.extra_connection_points" extra ones
    And every interface has a MAC, an IP and a port that no other interface of the target has

  @RM:infra.net.cfg.001
  Scenario Outline: A <kind> with the kernel interface is placed on every profile, its I/O virtualisation type stated
    Given a workload "any" asking for 1 cores and 512 MiB of memory
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target places 1 <kind> of the request
    Then 1 instance is placed
    And every interface uses "kernel-virtio"
    And releasing the instances frees them on the target

    Examples:
      | kind      |
      | VM        |
      | container |

  @profile:high-performance
  Scenario Outline: A <kind> asking only for <rung> is placed with it
    Given a workload "io" asking for 2 cores and 2048 MiB of memory
    And it asks for 1024 MiB of huge pages
    And it prefers for "data0" the ladder "<rung>"
    When the target places 1 <kind> of the request
    Then 1 instance is placed
    And every interface uses "<rung>"
    And every interface has a MAC, an IP and a port that no other interface of the target has

    @RM:e.cap.013
    Examples: SR-IOV
      | kind      | rung     |
      | VM        | sriov-vf |
      | container | sriov-vf |

    @RM:e.cap.019
    Examples: DPDK vhost-user
      | kind      | rung            |
      | VM        | dpdk-vhost-user |
      | container | dpdk-vhost-user |

    @RM:e.cap.015
    Examples: SmartNIC offload
      | kind      | rung             |
      | VM        | smartnic-offload |
      | container | smartnic-offload |

    @RM:infra.net.cfg.001
    Examples: kernel virtio
      | kind      | rung          |
      | VM        | kernel-virtio |
      | container | kernel-virtio |
