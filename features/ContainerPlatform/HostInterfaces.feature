@area:containers
Feature: Pod networking leaves the host interfaces it does not own alone
  A node's host network namespace is listed (ip -j link and addr on the node) before a pod is created, while it runs
  and after it is deleted. The only changes allowed are the pod's own: the host side of its veth (whose peer sits in
  the pod's network namespace) and, with SR-IOV, the VF moved into the pod; the uplink that carries the node's
  addresses, the macvlan and ipvlan masters, the other VFs and every address and MTU stay as they were, and after the
  pod is deleted the list is exactly what it was.

  Checks RA2 inf.ntw.09 (the networking solution does not disturb interfaces and networks it does not own).

  @RA2:inf.ntw.09
  Scenario: A pod with macvlan and ipvlan interfaces changes only its own veth on its node
    Given the host interfaces of node "${node1}" were recorded
    And the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: hostcheck
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: mv, namespace: hostcheck}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "macvlan", "mode": "bridge", "ipam": {"type": "whereabouts", "range": "192.168.110.0/24"}}'
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: iv, namespace: hostcheck}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "ipvlan", "ipam": {"type": "whereabouts", "range": "192.168.111.0/24"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cnf, namespace: hostcheck, annotations: {k8s.v1.cni.cncf.io/networks: "mv, iv"}}
      spec:
        nodeName: ${node1}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
      """
    Then pod "hostcheck/cnf" is running
    And node "${node1}" differs from its recorded interfaces only by the veth and the VFs of pod "hostcheck/cnf"
    When the Pod "hostcheck/cnf" is deleted
    Then node "${node1}" has exactly its recorded interfaces again

  @RA2:inf.ntw.09 @requires:RM:e.cap.013
  Scenario: A pod with an SR-IOV VF takes only that VF and its veth from its node, and gives them back
    Given the host interfaces of node "${node1}" were recorded
    And the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: vfcheck
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata:
        name: vfnet
        namespace: vfcheck
        annotations: {k8s.v1.cni.cncf.io/resourceName: intel.com/sriov_netdevice}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "sriov", "ipam": {"type": "whereabouts", "range": "10.75.0.0/24"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cnf, namespace: vfcheck, annotations: {k8s.v1.cni.cncf.io/networks: vfnet}}
      spec:
        nodeName: ${node1}
        containers:
        - name: app
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          resources: {limits: {intel.com/sriov_netdevice: "1"}}
      """
    Then pod "vfcheck/cnf" is running
    And node "${node1}" differs from its recorded interfaces only by the veth and the VFs of pod "vfcheck/cnf"
    When the Pod "vfcheck/cnf" is deleted
    Then node "${node1}" has exactly its recorded interfaces again
