@area:service-exposure
Feature: Services of type LoadBalancer spread TCP and UDP over the CNF pods and are advertised from several nodes
  A Service of type LoadBalancer is the Kubernetes API through which RA2 wants external load balancing surfaced
  (ra2.plat.003, ra2.ntw.018) and supported (inf.ntw.15, ra2.k8s.015). The scenarios apply one to the target's
  service-exposure facet, over pods started on its container platform, and check what the API reports and what real
  packets do: the Service is given an address from the load-balancer pools; TCP and UDP flows from a client outside
  the cluster (source port varied, so the 5-tuple differs) are all delivered and spread over every ready pod, each
  pod receiving them on its primary interface (eth0, as read inside the pod) at the target port (ra2.ntw.017, an L4
  load balancer over the CNF pods' primary interfaces). The address is advertised to the external network: the
  external router's table holds a route to it from at least two nodes, each next hop an address of the node that
  advertised it, flows enter the cluster through at least two of them (active/active multipath, ra2.ntw.021), and
  the route is withdrawn when the Service is deleted (ra2.ntw.020). The emulator's unit tests show each check
  failing when spreading, advertisement or multipath is switched off.

  Background:
    Given the scenario's namespace runs the pods:
      | pod    | labels           |
      | sig-0  | app=sig,tier=cnf |
      | sig-1  | app=sig,tier=cnf |
      | sig-2  | app=sig,tier=cnf |
      | client | app=client       |
    And the manifests are applied:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: sig
        namespace: ${namespace}
      spec:
        type: LoadBalancer
        selector: {app: sig}
        ports:
        - {name: diameter, protocol: TCP, port: 3868, targetPort: 3868}
        - {name: gtp-c, protocol: UDP, port: 2123, targetPort: 2123}
      """

  @RA2:inf.ntw.15 @RA2:ra2.k8s.015 @RA2:ra2.plat.003 @RA2:ra2.ntw.018 @RA2:ra2.ntw.017
  Scenario: A LoadBalancer Service gets a pool address and spreads TCP and UDP flows from outside over every pod
    Then Service "sig" is given a load-balancer address from the target's pools
    And 60 tcp flows from outside to the load-balancer address of Service "sig" reach every ready pod on its primary interface, every answer coming back from the address dialed
    And 60 udp flows from outside to the load-balancer address of Service "sig" reach every ready pod on its primary interface, every answer coming back from the address dialed

  @RA2:ra2.ntw.020 @RA2:ra2.ntw.021
  Scenario: The service address is advertised from several nodes, used active/active, and withdrawn with the Service
    Then the external router has a route to Service "sig"'s address from at least 2 nodes, each via that node's own address
    And 60 flows from outside to Service "sig" are all delivered, entering the cluster through at least 2 nodes
    When Service "sig" is deleted
    Then the external router no longer has a route to its address, and a probe to it is not delivered
