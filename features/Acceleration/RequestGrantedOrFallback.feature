@area:acceleration
Feature: Acceleration requests are granted or fall back
  A workload asks for an acceleration mode with a fallback; where the hardware exists the request is granted on it,
  otherwise the infrastructure falls back to the next realisation and says why.
  Checks: on high performance each acceleration mode is granted when asked first: SR-IOV VF (RM:e.cap.013,
  RA1:inf.acc.03), DPDK vhost-user (RM:e.cap.019, RM:infra.net.acc.cfg.001), SmartNIC offload (RM:e.cap.015,
  RM:infra.net.acc.cfg.002, RA1:inf.acc.02), crypto accelerator (RM:e.cap.009, RM:infra.net.acc.cfg.003,
  RA1:inf.acc.01), compression (RM:infra.hw.nac.cfg.003), GPU (RM:infra.hw.cac.cfg.001); on basic, and for FPGA
  everywhere, the same ladders fall back to the software or kernel realisation with every refused mode explained
  (RM:e.api.007: the infrastructure copes with several accelerator realisations); one crypto device is shared by
  several workloads (RM:e.api.004).
  Not checked here: each mode's throughput and latency against targets. That needs the chaining or traffic facet of
  the target, which the emulator does not expose yet (see docs/conformance-content.md).

  Background:
    Given the target has been discovered
    And a workload "acc" asking for 2 cores and 2048 MiB of memory

  @profile:high-performance
  Scenario Outline: <mode> is granted when asked first
    Given it asks for 1024 MiB of huge pages
    And it prefers for "<ladder>" the ladder "<mode> > <fallback>"
    When the target negotiates the request
    Then "<ladder>" gets "<mode>"

    @RM:e.cap.013 @RA1:inf.acc.03
    Examples: SR-IOV
      | ladder | mode     | fallback      |
      | data0  | sriov-vf | kernel-virtio |

    @RM:e.cap.019 @RM:infra.net.acc.cfg.001
    Examples: DPDK vhost-user
      | ladder | mode            | fallback      |
      | data0  | dpdk-vhost-user | kernel-virtio |

    @RM:e.cap.015 @RM:infra.net.acc.cfg.002 @RA1:inf.acc.02
    Examples: SmartNIC
      | ladder | mode             | fallback      |
      | data0  | smartnic-offload | kernel-virtio |

    @RM:e.cap.009 @RM:infra.net.acc.cfg.003 @RA1:inf.acc.01
    Examples: crypto
      | ladder | mode               | fallback |
      | crypto | crypto-accelerator | software |

    @RM:infra.hw.nac.cfg.003
    Examples: compression
      | ladder   | mode                    | fallback |
      | compress | compression-accelerator | software |

    @RM:infra.hw.cac.cfg.001
    Examples: GPU
      | ladder | mode | fallback |
      | gpu    | gpu  | software |

  @RM:e.api.007 @profile:basic
  Scenario Outline: On basic, <mode> falls back to <fallback> and says why
    Given it prefers for "<ladder>" the ladder "<mode> > <fallback>"
    When the target negotiates the request
    Then "<ladder>" gets "<fallback>"
    And every better rung of "<ladder>" is refused with a reason

    Examples:
      | ladder   | mode                    | fallback      |
      | data0    | sriov-vf                | kernel-virtio |
      | data0    | dpdk-vhost-user         | kernel-virtio |
      | data0    | smartnic-offload        | kernel-virtio |
      | crypto   | crypto-accelerator      | software      |
      | compress | compression-accelerator | software      |
      | gpu      | gpu                     | software      |

  @RM:e.api.007
  Scenario: Without an FPGA anywhere, a request for one falls back to software and says why
    Given it prefers for "fpga" the ladder "fpga > software"
    When the target negotiates the request
    Then "fpga" gets "software"
    And every better rung of "fpga" is refused with a reason

  @RM:e.api.004 @profile:high-performance
  Scenario: One crypto accelerator is shared by several workloads
    Given it prefers for "crypto" the ladder "crypto-accelerator > software"
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target places 2 containers of the request
    Then 2 instances are placed
    And every instance shares one hardware device for "crypto"
