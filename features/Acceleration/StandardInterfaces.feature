@area:acceleration
Feature: Accelerators are reached only through abstract, standard interfaces, as a finite resource
  RM ch3.8 asks that workloads (RM:e.api.001) and the virtualisation software (RM:e.api.002) talk to accelerators
  only through abstract, standardised interfaces, that accelerators present standard interfaces to both
  (RM:e.api.003), and that workload management can use acceleration without elevated privileges (RM:e.api.005).
  Checks: a workload asks for an accelerator by class and standard interface (DPDK cryptodev or virtio-crypto for
  crypto, DPDK compressdev for compression), never by vendor or PCI id, and is granted an instance (a VF) of a
  device of that class that discovery reports on the node; the host exposes the instance through VFIO or
  vhost-user-crypto, not the vendor's driver; the grant needs no privileged container and no CAP_SYS_ADMIN /
  CAP_SYS_RAWIO, passing only the instance's own VFIO group or vhost-user socket. A request naming a vendor or a
  vendor-specific interface (Intel's qat-usdm, NVIDIA's CUDA) is refused with what to ask for instead. Instances are
  finite: asking until refused grants exactly the instances discovery reports, each once, then refuses saying
  every instance is taken. Basic nodes have no accelerators: N/A there.

  Background:
    Given the target has been discovered

  @RM:e.api.001 @RM:e.api.002 @RM:e.api.003 @RM:e.api.005 @profile:high-performance
  Scenario Outline: A workload gets a <class> accelerator through <interface> by class, usable without privileges
    When a workload asks for a "<class>" accelerator through "<interface>"
    Then it is granted a "<class>" instance through "<interface>" on a device the node reports
    And the host exposes the instance through a standard binding
    And the instance is usable without elevated privileges

    Examples:
      | class       | interface        |
      | crypto      | dpdk-cryptodev   |
      | crypto      | virtio-crypto    |
      | compression | dpdk-compressdev |

  @RM:e.api.001 @profile:high-performance
  Scenario: A request naming a vendor is refused with what to ask for instead
    When a workload asks for a "crypto" accelerator through "dpdk-cryptodev" from vendor "Intel"
    Then the accelerator request is refused because "requested by class and standard interface, not by vendor"

  @RM:e.api.001 @profile:high-performance
  Scenario Outline: A request through the vendor-specific interface <interface> is refused with the standard ones
    When a workload asks for a "<class>" accelerator through "<interface>"
    Then the accelerator request is refused because "is not a standard interface for <class> accelerators"

    Examples:
      | class  | interface |
      | crypto | qat-usdm  |
      | crypto | cuda      |

  @profile:high-performance
  Scenario Outline: <class> accelerator instances are finite: beyond them a request is refused with the reason
    Then asking for "<class>" through "<interface>" until refused grants exactly the instances discovered

    Examples:
      | class       | interface        |
      | crypto      | dpdk-cryptodev   |
      | compression | dpdk-compressdev |
