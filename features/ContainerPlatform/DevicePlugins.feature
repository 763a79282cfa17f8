@area:containers
Feature: Device plugins expose the nodes' SR-IOV VFs as extended resources, and workloads get them only by requesting them
  The hardware layer is read through the hardware-inventory facet; the container platform must expose exactly that
  hardware to workloads, as Kubernetes extended resources advertised by a device plugin, and a workload gets a VF only
  by requesting the resource in its resources.limits: the kubelet then hands the device plugin's allocation (the
  PCIDEVICE_* variable) to the SR-IOV CNI through the meta-plugin, and the pod's network-status device-info names that
  same VF. A pod naming an SR-IOV network without requesting the resource gets no VF, and a pod asking for more VFs than
  any node has left stays Pending, unschedulable, with the reason. Not applicable where the target publishes no SR-IOV
  capability (the basic profile has no SR-IOV NIC).

  Checks RA2 ra2.ntw.012 (workloads that need SR-IOV get it through a device plugin for that hardware), RA2 ra2.app.009
  (the workload requests the accelerator only through the device plugin's resource; without the request the platform
  gives it none), RA2 gen.cnt.04 (clear layers: the hardware the inventory lists is what the container platform
  advertises, and workloads see resources and devices, never host paths), and RA2 ra2.ntw.004 and ra2.app.006 for the
  resource-request way of asking for an extra connection point.

  Background:
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: ran
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata:
        name: fronthaul
        namespace: ran
        annotations: {k8s.v1.cni.cncf.io/resourceName: intel.com/sriov_netdevice}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "sriov", "vlan": 100, "ipam": {"type": "whereabouts", "range": "10.74.0.0/24"}}'
      """

  @RA2:gen.cnt.04 @requires:RM:e.cap.013
  Scenario: Every node advertises exactly the free VFs the hardware inventory lists
    Then every node advertises as "intel.com/sriov_netdevice" exactly the free SR-IOV VFs the hardware inventory lists on its "ice" NICs

  @RA2:ra2.ntw.012 @RA2:ra2.app.009 @RA2:gen.cnt.04 @RA2:ra2.ntw.004 @RA2:ra2.app.006 @requires:RM:e.cap.013
  Scenario: Pods that request a VF get one from the device plugin, attached as their SR-IOV interface
    When the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: du-1, namespace: ran, annotations: {k8s.v1.cni.cncf.io/networks: fronthaul}}
      spec:
        containers:
        - name: du
          image: registry.example.com/ran/du:5.2
          resources:
            requests: {cpu: "4", memory: 8Gi, intel.com/sriov_netdevice: "1"}
            limits: {cpu: "4", memory: 8Gi, intel.com/sriov_netdevice: "1"}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: du-2, namespace: ran, annotations: {k8s.v1.cni.cncf.io/networks: fronthaul}}
      spec:
        containers:
        - name: du
          image: registry.example.com/ran/du:5.2
          resources:
            limits: {intel.com/sriov_netdevice: "1"}
      """
    Then pods "ran/du-1, ran/du-2" are running
    And pod "ran/du-1" was allocated a "intel.com/sriov_netdevice" device by the device plugin, and its net1 is that device
    And pod "ran/du-2" was allocated a "intel.com/sriov_netdevice" device by the device plugin, and its net1 is that device
    And the probes have these outcomes:
      | from     | over | protocol | to            | port | outcome   | source seen |
      | ran/du-1 | net1 | udp      | ran/du-2 net1 | 2152 | delivered | sender      |

  @RA2:ra2.app.009 @requires:RM:e.cap.013
  Scenario: A pod that names the SR-IOV network without requesting the resource gets no VF
    When the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: sneaky, namespace: ran, annotations: {k8s.v1.cni.cncf.io/networks: fronthaul}}
      spec:
        containers: [{name: du, image: registry.example.com/ran/du:5.2}]
      """
    Then pod "ran/sneaky" stays "ContainerCreating" with a reason containing "VF pci addr is required"

  @RA2:ra2.ntw.012 @requires:RM:e.cap.013
  Scenario: A pod asking for more VFs than any node has left stays Pending, unschedulable
    When the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: greedy, namespace: ran, annotations: {k8s.v1.cni.cncf.io/networks: fronthaul}}
      spec:
        containers:
        - name: du
          image: registry.example.com/ran/du:5.2
          resources:
            limits: {intel.com/sriov_netdevice: "${over:intel.com/sriov_netdevice}"}
      """
    Then pod "ran/greedy" stays "Pending" with a reason containing "Insufficient intel.com/sriov_netdevice"
