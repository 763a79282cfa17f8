@area:lifecycle
Feature: CNF best practices checked on a running container
  A container component is started from its descriptor's image as the target runs components, and checked against
  the CNF best practices that have a container-runtime meaning (after the CNTi test suite that RC2 traces RA2's
  ra2.app requirements to): configuration and image as the runtime reports them, the process as the kernel reports
  it, and behaviour watched while it runs. Each practice is a scenario, so a CNF that breaks one fails exactly that
  one, and the failure says what to change. Only "no host network" has a catalogue entry (RA2:ra2.app.030); the
  others are the CNTi checks the issue asks for, with no catalogue uid. The figures (image size, start-up time, grace
  period) are the basic profile's of docs/workloads.md. A target without a container runtime (the emulator) cannot run
  them: not applicable.

  Background:
    Given the target has been discovered
    And the VNF descriptor is onboarded:
      """
      vnfd:
        id: cnf-practices-${unique}
        version: "1.0"
        deployment_units:
          - {name: fw, kind: container, image: "nfvc/cnf:1.0", cores: 1, memory_mb: 128, instances: 1,
             connection_points: [{name: data0, attachment: [kernel-virtio]}]}
      """

  Scenario Outline: The CNF's container follows the "<check>" practice
    When the CNF best-practice checks run on "fw"
    Then the best-practice check "<check>" passes

    @RA2:ra2.app.030
    Examples: no host network
      | check           |
      | no-host-network |

    Examples: the other practices with a container-runtime meaning
      | check                 |
      | not-privileged        |
      | no-extra-capabilities |
      | non-root              |
      | read-only-rootfs      |
      | no-host-pid           |
      | no-host-ipc           |
      | healthcheck           |
      | image-size            |
      | startup-time          |
      | logs-to-stdout        |
      | reaps-zombies         |
      | sigterm-within-grace  |
