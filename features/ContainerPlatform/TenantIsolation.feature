@area:containers
Feature: Tenants are namespaces with their own address pools and their own networks
  Each tenant is a namespace. Its pods take their addresses from an IP pool of its own (Calico-style projectcalico.org/v3
  IPPool objects, chosen per namespace with the cni.projectcalico.org/ipv4pools and ipv6pools annotations), apart from
  the other tenant's pool, from the cluster's default pod range (which the platform's own pods use), from the service
  range and from the node network. Networks (NetworkAttachmentDefinitions) belong to their namespace: a pod of one
  tenant that names another tenant's network is refused by the meta-plugin, with the reason.

  Checks RA2 inf.ntw.13 (several separate IP pools; a tenant's pool is distinct from the control plane's and other
  tenants' pools: every pod's addresses are in its tenant's pool, the pools overlap nothing else, and a pod of the
  platform outside the tenants keeps the default range) and RA2 ra2.k8s.021 (the scheduler allocates node, network and
  addresses to pods, and namespaces isolate tenants: the pods run, bound to nodes, with addresses from their tenant,
  and a tenant cannot attach to another tenant's network). Not checked: storage allocation.

  @RA2:inf.ntw.13 @RA2:ra2.k8s.021
  Scenario: Two tenants draw addresses from their own pools, apart from each other and from the platform
    Given the Kubernetes manifests are applied:
      """
      apiVersion: projectcalico.org/v3
      kind: IPPool
      metadata:
        name: red-v4
      spec: {cidr: 10.150.0.0/22, blockSize: 26}
      ---
      apiVersion: projectcalico.org/v3
      kind: IPPool
      metadata:
        name: red-v6
      spec: {cidr: "fd00:150::/112", blockSize: 122}
      ---
      apiVersion: projectcalico.org/v3
      kind: IPPool
      metadata:
        name: blue-v4
      spec: {cidr: 10.160.0.0/22, blockSize: 26}
      ---
      apiVersion: projectcalico.org/v3
      kind: IPPool
      metadata:
        name: blue-v6
      spec: {cidr: "fd00:160::/112", blockSize: 122}
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: red
        annotations: {cni.projectcalico.org/ipv4pools: '["red-v4"]', cni.projectcalico.org/ipv6pools: '["red-v6"]'}
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: blue
        annotations: {cni.projectcalico.org/ipv4pools: '["blue-v4"]', cni.projectcalico.org/ipv6pools: '["blue-v6"]'}
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: platform
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: r1, namespace: red}
      spec: {nodeName: "${node1}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: r2, namespace: red}
      spec: {nodeName: "${node2}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b1, namespace: blue}
      spec: {nodeName: "${node1}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b2, namespace: blue}
      spec: {nodeName: "${node2}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: coredns, namespace: platform}
      spec: {containers: [{name: coredns, image: registry.k8s.io/coredns/coredns:v1.11.3}]}
      """
    Then pods "red/r1, red/r2, blue/b1, blue/b2, platform/coredns" are running
    And every pod of namespace "red" has its pod IPs inside "10.150.0.0/22, fd00:150::/112"
    And every pod of namespace "blue" has its pod IPs inside "10.160.0.0/22, fd00:160::/112"
    And every pod of namespace "platform" has its pod IPs inside "10.244.0.0/16, fd00:10:244::/56"
    And the pools "10.150.0.0/22, fd00:150::/112, 10.160.0.0/22, fd00:160::/112" overlap neither each other, the cluster's default pod and service ranges, nor any node address
    And the probes have these outcomes:
      | from   | over | protocol | to     | port | outcome   | source seen |
      | red/r1 | eth0 | tcp      | red/r2 | 8080 | delivered | sender      |
    And the API server refuses these manifests with "overlaps IPPool red-v4":
      """
      apiVersion: projectcalico.org/v3
      kind: IPPool
      metadata:
        name: green-v4
      spec: {cidr: 10.150.2.0/24}
      """

  @RA2:ra2.k8s.021
  Scenario: A tenant cannot attach its pod to another tenant's network
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: alpha
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: beta
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: private, namespace: alpha}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "macvlan", "ipam": {"type": "whereabouts", "range": "192.168.100.0/24"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: own, namespace: alpha, annotations: {k8s.v1.cni.cncf.io/networks: private}}
      spec: {containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: intruder, namespace: beta, annotations: {k8s.v1.cni.cncf.io/networks: alpha/private}}
      spec: {containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      """
    Then pod "alpha/own" is running
    And pod "beta/intruder" stays "ContainerCreating" with a reason containing "pod is in namespace beta but refers to target namespace alpha"
