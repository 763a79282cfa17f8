@area:service-exposure
Feature: A dual-stack Service carries IPv4 and IPv6 to the same pods
  RA2 inf.ntw.04 wants dual-stack IPv4/IPv6 for Kubernetes workloads. Here a Service asks for
  ipFamilyPolicy RequireDualStack; the target must give it one cluster IP of each family, inside the cluster's service
  range of that family, and flows from a client pod to each of the two addresses must reach every ready pod of the
  Service on its primary interface's address of that family (read inside the pod) at the target port, so the pods
  are reachable over both families through the same Service. A target whose cluster has no IPv6 service range rejects
  the Service, and the scenario fails with the API server's reason.

  @RA2:inf.ntw.04
  Scenario: Both cluster IPs of a RequireDualStack Service reach every pod, each over its own family
    Given the scenario's namespace runs the pods:
      | pod    | labels     |
      | amf-0  | app=amf    |
      | amf-1  | app=amf    |
      | client | app=client |
    When the manifests are applied:
      """
      apiVersion: v1
      kind: Service
      metadata: {name: amf, namespace: ${namespace}}
      spec:
        ipFamilyPolicy: RequireDualStack
        ipFamilies: [IPv4, IPv6]
        selector: {app: amf}
        ports: [{name: sbi, protocol: TCP, port: 80, targetPort: 8080}]
      """
    Then Service "amf" has one cluster IP per IP family, in the cluster's service ranges
    And 30 tcp flows from pod "client" to the cluster address of Service "amf" reach every ready pod on its primary interface, every answer coming back from the address dialed
    And 30 tcp flows from pod "client" to the cluster-ipv6 address of Service "amf" reach every ready pod on its primary interface, every answer coming back from the address dialed
