@area:workload-packages
Feature: A CNF package keeps off the node's network and hard-codes no address
  RA2 chapter 4 sets rules on a workload's own Kubernetes manifests; RC2 checks them with the CNTI CNF Test Suite
  (host_network, hardcoded_ip_addresses_in_k8s_runtime_configuration, hostport_not_used). These scenarios read the
  CNF package as the vendor ships it, a directory of rendered manifests (helm template or kustomize build output,
  several documents per file), and report every breach as file:line:column, the object, the field and what to change.
  By default they check the conformant example package in features/WorkloadPackages/packages/example-cnf; a vendor
  runs them on their own package with the run setting nfvc.package (nfvc run --package DIR). Pod specs are read where
  Kubernetes keeps them: Pod, the pod template of Deployment, ReplicaSet, ReplicationController, StatefulSet,
  DaemonSet and Job, CronJob's job template, PodTemplate.
  Checks RA2 ra2.app.030 (no hostNetwork: true), ra2.app.035 (no literal IPv4/IPv6 address, other than unspecified or
  loopback, in a container's env values, command or args, in hostAliases, dnsConfig nameservers, or in the pod
  annotations that fix addresses: the Multus networks annotation's ips and default-route, Calico's ipAddrs and
  floatingIPs, Kube-OVN's ip_address), ra2.app.036 (no Service of type NodePort and no nodePort field) and
  ra2.app.047 (no hostPort). The unit tests in tests/NfvConformance.Core.Tests/Workloads show each rule failing on a
  non-conformant package with the right file and line. No target facet is needed.

  Background:
    Given the CNF package under test is loaded
    Then the package declares at least one pod

  @RA2:ra2.app.030
  Scenario: No pod of the CNF shares the node's network namespace
    Then no pod of the package attaches to the host network

  @RA2:ra2.app.035
  Scenario: No pod spec of the CNF pins an IP address
    Then no pod spec of the package hard-codes an IP address

  @RA2:ra2.app.036
  Scenario: No Service of the CNF opens a node port
    Then no Service of the package declares a node port

  @RA2:ra2.app.047
  Scenario: No container of the CNF binds a port on the node
    Then no container of the package binds a host port
