@area:negotiation
Feature: Preference ladders, fallbacks and explained refusals
  A workload states what it prefers (best first) and what it cannot do without; the infrastructure grants the best
  it can and says why it could not do better, or refuses and says what each node lacks.
  Checks: each profile serves a network attachment from its own set of networking options, kernel virtio on basic,
  SmartNIC offload on high performance (RA1:inf.nw.15, RA2:inf.ntw.06; RA1:inf.acc.02 and RM:e.cap.015 for the
  offload); a request for pinned cores or SR-IOV on basic is refused with the reason on every node (RM:e.cap.006,
  RM:e.cap.013: basic must not offer them), and so is a request requiring any capability the basic profile sets to
  No (RM:e.cap.006, 007, 013, 015, 019, 023), while high performance grants each on a node that offers it (those and
  RM:e.cap.008, 009, 025); a request naming a profile extension lands on a node that carries it
  (RA2:ra2.app.010: workloads express needed node features by label; RM:infra.com.acc.cfg.004 for the GPU
  extension, RM:infra.com.acc.cfg.001 for the fixed-function crypto extension); a request naming a profile is
  served by a node of that profile (RA2:ra2.k8s.011).

  Background:
    Given the target has been discovered
    And a workload "vnf-a" asking for 2 cores and 2048 MiB of memory

  @RA1:inf.nw.15 @RA2:inf.ntw.06 @profile:basic
  Scenario: On basic, the network ladder falls back to kernel virtio and explains why
    Given it prefers for "data0" the full network ladder
    When the target negotiates the request
    Then "data0" gets "kernel-virtio"
    And every better rung of "data0" is refused with a reason

  @RA1:inf.nw.15 @RA2:inf.ntw.06 @RA1:inf.acc.02 @RM:e.cap.015 @profile:high-performance
  Scenario: On high performance, the network ladder gets SmartNIC offload
    Given it prefers for "data0" the full network ladder
    When the target negotiates the request
    Then "data0" gets "smartnic-offload"

  @profile:high-performance
  Scenario: A granted rung below the best says why each better one was refused
    Given it prefers for "data0" the full network ladder
    And it asks for profile extension "compute-gpu"
    When the target negotiates the request
    Then "data0" gets "sriov-vf"
    And every better rung of "data0" is refused with a reason

  @RM:e.cap.006 @profile:basic
  Scenario: Pinned cores are refused on basic, with the reason on every node
    Given it asks for dedicated cores
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target negotiates the request
    Then the request is refused
    And the refusal explains "pinning" for every node

  @profile:basic
  Scenario Outline: A requirement for <uid> is refused on basic, with the reason on every node
    Given it requires "<uid>"
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target negotiates the request
    Then the request is refused
    And the refusal explains "<uid>" for every node

    @RM:e.cap.006
    Examples: CPU pinning
      | uid          |
      | RM:e.cap.006 |

    @RM:e.cap.007
    Examples: NUMA alignment
      | uid          |
      | RM:e.cap.007 |

    @RM:e.cap.013
    Examples: SR-IOV
      | uid          |
      | RM:e.cap.013 |

    @RM:e.cap.015
    Examples: SmartNIC offload
      | uid          |
      | RM:e.cap.015 |

    @RM:e.cap.019
    Examples: accelerated vSwitch
      | uid          |
      | RM:e.cap.019 |

    @RM:e.cap.023
    Examples: huge pages
      | uid          |
      | RM:e.cap.023 |

  @profile:high-performance
  Scenario Outline: A requirement for <uid> is granted on high performance on a node that offers it
    Given it requires "<uid>"
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target negotiates the request
    Then the request is granted
    And the granted node has capability "<uid>"

    @RM:e.cap.006
    Examples: CPU pinning
      | uid          |
      | RM:e.cap.006 |

    @RM:e.cap.007
    Examples: NUMA alignment
      | uid          |
      | RM:e.cap.007 |

    @RM:e.cap.008
    Examples: IPsec offload
      | uid          |
      | RM:e.cap.008 |

    @RM:e.cap.009
    Examples: crypto offload
      | uid          |
      | RM:e.cap.009 |

    @RM:e.cap.013
    Examples: SR-IOV
      | uid          |
      | RM:e.cap.013 |

    @RM:e.cap.015
    Examples: SmartNIC offload
      | uid          |
      | RM:e.cap.015 |

    @RM:e.cap.019
    Examples: accelerated vSwitch
      | uid          |
      | RM:e.cap.019 |

    @RM:e.cap.023
    Examples: huge pages
      | uid          |
      | RM:e.cap.023 |

    @RM:e.cap.025
    Examples: AF_XDP
      | uid          |
      | RM:e.cap.025 |

  Scenario: A request naming an unknown rung is rejected as invalid
    Given it prefers for "data0" the ladder "warp-drive > kernel-virtio"
    When the target negotiates the request
    Then the request is rejected as invalid naming "warp-drive"

  Scenario: A request for zero cores is rejected as invalid
    Given a workload "vnf-zero" asking for 0 cores and 512 MiB of memory
    And it prefers for "data0" the ladder "kernel-virtio"
    When the target negotiates the request
    Then the request is rejected as invalid naming "cores"

  @RA2:ra2.app.010 @profile:high-performance
  Scenario Outline: A request naming extension <extension> lands on a node carrying it
    Given it prefers for "data0" the ladder "kernel-virtio"
    And it asks for profile extension "<extension>"
    When the target negotiates the request
    Then the request is granted
    And the granted node has extension "<extension>"

    @RM:infra.com.acc.cfg.004
    Examples: GPU
      | extension   |
      | compute-gpu |

    @RM:infra.com.acc.cfg.001
    Examples: fixed-function accelerator
      | extension   |
      | compute-ffa |

    Examples: other extensions
      | extension          |
      | network-smartnic   |
      | high-speed-network |
      | low-latency-edge   |

  @RA2:ra2.k8s.011 @profile:high-performance
  Scenario Outline: A request naming profile <profile> is served by a node of that profile
    Given it prefers for "data0" the ladder "kernel-virtio"
    And it asks for profile "<profile>"
    When the target negotiates the request
    Then the granted node has profile "<profile>"

    Examples:
      | profile          |
      | basic            |
      | high-performance |

  @profile:basic
  Scenario: An extension no node carries is refused, with the reason on every node
    Given it prefers for "data0" the ladder "kernel-virtio"
    And it asks for profile extension "compute-gpu"
    When the target negotiates the request
    Then the request is refused
    And the refusal explains "compute-gpu" for every node
