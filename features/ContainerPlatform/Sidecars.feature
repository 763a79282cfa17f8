@area:containers
Feature: Native sidecar containers start before the main containers and share the pod's network
  A sidecar is declared the Kubernetes way (1.29 and later): an init container with restartPolicy Always. The kubelet
  must start it before the main containers and keep it running beside them, and it lives in the pod's network
  namespace: it sees the same interfaces (the default network and the secondary ones the meta-plugin attached), and
  what it sends leaves with the pod's addresses. A plain init container before it must have completed.

  Checks RA2 ra2.k8s.024 (sidecar containers are supported, e.g. service-mesh proxies and log shippers): start order
  from the container statuses, the network namespace and interfaces as seen from inside each container, and probes sent
  from the sidecar.

  @RA2:ra2.k8s.024
  Scenario: A proxy sidecar starts first, keeps running, and sends with the pod's own addresses
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: mesh
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: mgmt, namespace: mesh}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "ipvlan", "ipam": {"type": "whereabouts", "range": "10.73.0.0/24"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api, namespace: mesh, labels: {app: api}, annotations: {k8s.v1.cni.cncf.io/networks: mgmt}}
      spec:
        nodeName: ${node1}
        initContainers:
        - {name: init-config, image: registry.k8s.io/busybox:1.36, command: [sh, -c, "echo ok > /config/ready"]}
        - {name: envoy, image: docker.io/envoyproxy/envoy:v1.31.0, restartPolicy: Always, ports: [{name: admin, containerPort: 15000}]}
        containers:
        - {name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: peer, namespace: mesh, annotations: {k8s.v1.cni.cncf.io/networks: mgmt}}
      spec:
        nodeName: ${node2}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      """
    Then pods "mesh/api, mesh/peer" are running
    And sidecar "envoy" of pod "mesh/api" started before container "app", still runs, and shares its network namespace and interfaces
    And the probes have these outcomes:
      | from           | over | protocol | to             | port | outcome   | source seen |
      | mesh/api/envoy | eth0 | tcp      | mesh/peer      | 8080 | delivered | sender      |
      | mesh/api/envoy | eth0 | tcp      | mesh/peer IPv6 | 8080 | delivered | sender      |
      | mesh/api/envoy | net1 | udp      | mesh/peer net1 | 9901 | delivered | sender      |
      | mesh/api/app   | eth0 | tcp      | mesh/peer      | 8080 | delivered | sender      |
