// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

namespace NfvConformance.Emulator.ContainerPlatform.Tests.Services;

public sealed class ServiceExposureEmulatorTests
{
    [Test]
    public void ClusterIp_DualStack_OneAddressPerFamilyAndBothReachBackends()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "ClusterIP", "  ipFamilyPolicy: RequireDualStack"));

        ServiceView svc = fx.Exposure.GetService("cnf", "web")!;

        Assert.That(svc.ClusterIps, Has.Count.EqualTo(2));
        Assert.That(svc.ClusterIps.Select(a => IPAddress.Parse(a).AddressFamily).Distinct().Count(), Is.EqualTo(2));
        foreach (string ip in svc.ClusterIps)
        {
            ServiceProbeOutcome o = fx.Exposure.Probe(new ServiceProbe(ip, 80, ServiceProtocol.Tcp, "cnf", "client"));
            Assert.That(o.Delivered, Is.True, o.DropReason);
            Assert.That(o.Backend, Does.StartWith("cnf/web-"));
            Assert.That(o.DestinationSeen, Does.EndWith(":8080"));
        }
    }

    [Test]
    public void ClusterIp_FromOutside_IsNotRouted()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "ClusterIP"));

        ServiceProbeOutcome o = fx.Exposure.Probe(new ServiceProbe(fx.Exposure.GetService("cnf", "web")!.ClusterIps[0], 80, ServiceProtocol.Tcp));

        Assert.That(o.Delivered, Is.False);
        Assert.That(o.DropReason, Does.Contain("no route"));
    }

    [Test]
    public void LoadBalancer_SpreadsFlowsOverEveryBackend_AndEcmpOverEveryNode()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "LoadBalancer", protocol: "UDP", port: 5060, targetPort: 5060));
        ServiceView svc = fx.Exposure.GetService("cnf", "web")!;
        string vip = svc.LoadBalancerIngress.Single();

        var outcomes = Enumerable.Range(0, 90).Select(i => fx.Exposure.Probe(new ServiceProbe(vip, 5060, ServiceProtocol.Udp, SourcePort: 20000 + i))).ToList();

        Assert.That(IPNetwork.Parse("198.18.100.0/24").Contains(IPAddress.Parse(vip)), Is.True);
        Assert.That(outcomes.All(o => o.Delivered), Is.True, outcomes.FirstOrDefault(o => !o.Delivered)?.DropReason);
        Assert.That(outcomes.Select(o => o.Backend).Distinct().Count(), Is.EqualTo(3));
        Assert.That(outcomes.Select(o => o.EntryNode).Distinct().Count(), Is.EqualTo(3));
        Assert.That(fx.Exposure.GetExternalRoutes().Where(r => r.Prefix == vip + "/32").Select(r => r.Node), Is.EquivalentTo(new[] { "node-a", "node-b", "node-c" }));
        Assert.That(svc.Ports[0].NodePort, Is.InRange(30000, 32767));
    }

    [Test]
    public void LoadBalancer_SameFlowAlwaysSameBackend()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "LoadBalancer"));
        string vip = fx.Exposure.GetService("cnf", "web")!.LoadBalancerIngress[0];

        var backends = Enumerable.Range(0, 5).Select(_ => fx.Exposure.Probe(new ServiceProbe(vip, 80, ServiceProtocol.Tcp, SourcePort: 33333)).Backend).Distinct();

        Assert.That(backends.Count(), Is.EqualTo(1));
    }

    [Test]
    public void NotSpreading_AllFlowsHitOneBackend()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { SpreadFlows = false });
        fx.Apply(ExposureFixture.Service("web", "LoadBalancer"));
        string vip = fx.Exposure.GetService("cnf", "web")!.LoadBalancerIngress[0];

        var backends = Enumerable.Range(0, 30).Select(i => fx.Exposure.Probe(new ServiceProbe(vip, 80, ServiceProtocol.Tcp, SourcePort: 20000 + i)).Backend).Distinct();

        Assert.That(backends.Count(), Is.EqualTo(1));
    }

    [Test]
    public void OneAdvertisingNode_SingleNextHop()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { AdvertisingNodes = 1 });
        fx.Apply(ExposureFixture.Service("web", "LoadBalancer"));
        string vip = fx.Exposure.GetService("cnf", "web")!.LoadBalancerIngress[0];

        Assert.That(fx.Exposure.GetExternalRoutes().Count(r => r.Prefix == vip + "/32"), Is.EqualTo(1));
    }

    [Test]
    public void NotAdvertising_ExternalClientCannotReachTheVip_AndDeleteWithdraws()
    {
        ExposureFixture broken = new(new ServiceExposureOptions { AdvertiseServiceAddresses = false });
        broken.Apply(ExposureFixture.Service("web", "LoadBalancer"));
        string vip = broken.Exposure.GetService("cnf", "web")!.LoadBalancerIngress[0];
        Assert.That(broken.Exposure.Probe(new ServiceProbe(vip, 80, ServiceProtocol.Tcp)).DropReason, Does.Contain("no route"));

        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "LoadBalancer"));
        Assert.That(fx.Exposure.GetExternalRoutes(), Is.Not.Empty);
        fx.Exposure.Delete("Service", "cnf", "web");
        Assert.That(fx.Exposure.GetExternalRoutes(), Is.Empty);
    }

    [Test]
    public void LocalTrafficPolicy_PreservesClientAddress_ClusterPolicyMasquerades()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("local", "LoadBalancer", "  externalTrafficPolicy: Local"));
        fx.Apply(ExposureFixture.Service("cluster", "LoadBalancer"));
        string client = fx.Platform.Cluster.ExternalHostAddresses[0];

        ServiceProbeOutcome local = fx.Exposure.Probe(new ServiceProbe(fx.Exposure.GetService("cnf", "local")!.LoadBalancerIngress[0], 80, ServiceProtocol.Tcp));
        ServiceProbeOutcome cluster = fx.Exposure.Probe(new ServiceProbe(fx.Exposure.GetService("cnf", "cluster")!.LoadBalancerIngress[0], 80, ServiceProtocol.Tcp));

        Assert.That(local.SourceSeen, Does.StartWith(client + ":"));
        Assert.That(cluster.SourceSeen, Does.StartWith("192.168.10."));
    }

    [Test]
    public void NodePort_ReachableOnEveryNodeAddress_IncludingNodesWithoutBackend()
    {
        ExposureFixture fx = new(backends: 1);
        fx.Apply(ExposureFixture.Service("web", "NodePort"));
        int nodePort = fx.Exposure.GetService("cnf", "web")!.Ports[0].NodePort!.Value;

        foreach (string address in fx.Platform.GetNodes().SelectMany(n => n.Addresses).Where(a => a.Type == "InternalIP").Select(a => a.Address))
        {
            ServiceProbeOutcome o = fx.Exposure.Probe(new ServiceProbe(address, nodePort, ServiceProtocol.Tcp));
            Assert.That((o.Delivered, o.Backend), Is.EqualTo((true, "cnf/web-0")), o.DropReason);
        }
    }

    [Test]
    public void NodePort_OutOfRange_IsRejected_AndUnsupportedTypeIsRejected()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { ServiceTypes = ["ClusterIP"] });

        Assert.That(fx.Exposure.Apply(ExposureFixture.Service("a", "LoadBalancer")).Rejected.Single().Error, Does.Contain("Unsupported value"));

        ExposureFixture ok = new();
        string yaml = ExposureFixture.Service("b", "NodePort").Replace("targetPort: 8080", "targetPort: 8080\n    nodePort: 80", StringComparison.Ordinal);
        Assert.That(ok.Exposure.Apply(yaml).Rejected.Single().Error, Does.Contain("30000-32767"));
    }

    [Test]
    public void ExternalName_IsACnameInWireFormat_WithoutClusterIp()
    {
        ExposureFixture fx = new();
        fx.Apply("apiVersion: v1\nkind: Service\nmetadata: {name: billing, namespace: cnf}\nspec:\n  type: ExternalName\n  externalName: billing.operator.example.\n");

        DnsAnswer answer = fx.Exposure.Resolve("cnf", "billing", DnsRecordType.A);

        Assert.That(answer.Question, Is.EqualTo("billing.cnf.svc.cluster.local"));
        Assert.That(answer.Answers.Single(), Is.EqualTo(new DnsRecord("billing.cnf.svc.cluster.local", DnsRecordType.Cname, 30, "billing.operator.example")));
        Assert.That(answer.Message[2] & 0x80, Is.EqualTo(0x80));
        Assert.That(fx.Exposure.GetService("cnf", "billing")!.ClusterIps, Is.Empty);
    }

    [Test]
    public void ExternalName_NotAnswered_IsNxdomain()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { ExternalNameAsCname = false });
        fx.Apply("apiVersion: v1\nkind: Service\nmetadata: {name: billing, namespace: cnf}\nspec:\n  type: ExternalName\n  externalName: billing.operator.example\n");

        Assert.That(fx.Exposure.Resolve("cnf", "billing", DnsRecordType.A).ResponseCode, Is.EqualTo(3));
    }

    [Test]
    public void Dns_ClusterIpService_AnswersAandAaaa()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "ClusterIP", "  ipFamilyPolicy: PreferDualStack"));
        ServiceView svc = fx.Exposure.GetService("cnf", "web")!;

        Assert.That(fx.Exposure.Resolve("other", "web.cnf", DnsRecordType.A).Answers.Single().Data, Is.EqualTo(svc.ClusterIps[0]));
        Assert.That(fx.Exposure.Resolve("cnf", "web", DnsRecordType.Aaaa).Answers.Single().Data, Is.EqualTo(svc.ClusterIps[1]));
    }

    private const string Ingress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: edge, namespace: cnf}
        spec:
          ingressClassName: nginx
          rules:
          - host: web.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
              - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
          - host: api.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
        """;

    [Test]
    public void Ingress_RoutesOnHostAndLongestPath_404Otherwise()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "ClusterIP") + "\n---\n" + ExposureFixture.Service("api", "ClusterIP", selector: "app: api"));
        fx.Apply(Ingress);
        string vip = fx.Exposure.GetIngress("cnf", "edge")!.LoadBalancerIngress.Single();

        ServiceProbeOutcome Http(string host, string path) => fx.Exposure.Probe(new ServiceProbe(vip, 80, ServiceProtocol.Tcp, Http: new HttpProbeRequest(host, path)));

        Assert.That(Http("web.example.com", "/index.html").Backend, Does.StartWith("cnf/web-"));
        Assert.That(Http("web.example.com", "/api/v1").Backend, Is.EqualTo("cnf/api-0"));
        Assert.That(Http("web.example.com", "/apiary").Backend, Does.StartWith("cnf/web-"));
        Assert.That(Http("api.example.com", "/").Backend, Is.EqualTo("cnf/api-0"));
        Assert.That(Http("api.example.com", "/").HttpStatus, Is.EqualTo(200));
        ServiceProbeOutcome unknown = Http("nobody.example.com", "/");
        Assert.That((unknown.Delivered, unknown.HttpStatus), Is.EqualTo((false, 404)));
    }

    [Test]
    public void Ingress_ProxyIgnoringHost_SendsTheApiHostToWeb()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { RouteOnHost = false });
        fx.Apply(ExposureFixture.Service("web", "ClusterIP") + "\n---\n" + ExposureFixture.Service("api", "ClusterIP", selector: "app: api"));
        fx.Apply(Ingress);
        string vip = fx.Exposure.GetIngress("cnf", "edge")!.LoadBalancerIngress.Single();

        ServiceProbeOutcome o = fx.Exposure.Probe(new ServiceProbe(vip, 80, ServiceProtocol.Tcp, Http: new HttpProbeRequest("api.example.com", "/")));

        Assert.That(o.Backend, Does.StartWith("cnf/web-"));
    }

    [Test]
    public void Gateway_ProgrammedWithAddress_HttpRouteAttachedAndRouted()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "ClusterIP") + "\n---\n" + ExposureFixture.Service("api", "ClusterIP", selector: "app: api"));
        fx.Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: cnf}
            spec:
              gatewayClassName: emu-gateway
              listeners:
              - {name: http, protocol: HTTP, port: 8080}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: cnf}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [sig.example.com]
              rules:
              - matches: [{path: {type: PathPrefix, value: /api}}]
                backendRefs: [{name: api, port: 80}]
              - backendRefs: [{name: web, port: 80}]
            """);
        GatewayView gw = fx.Exposure.GetGateway("cnf", "gw")!;

        Assert.That((gw.Programmed, gw.AttachedRoutes, gw.Addresses.Count), Is.EqualTo((true, 1, 1)));
        Assert.That(fx.Exposure.Probe(new ServiceProbe(gw.Addresses[0], 8080, ServiceProtocol.Tcp, Http: new HttpProbeRequest("sig.example.com", "/api/x"))).Backend, Is.EqualTo("cnf/api-0"));
        Assert.That(fx.Exposure.Probe(new ServiceProbe(gw.Addresses[0], 8080, ServiceProtocol.Tcp, Http: new HttpProbeRequest("sig.example.com", "/"))).Backend, Does.StartWith("cnf/web-"));
        Assert.That(fx.Exposure.Probe(new ServiceProbe(gw.Addresses[0], 8080, ServiceProtocol.Tcp, Http: new HttpProbeRequest("other.example.com", "/"))).HttpStatus, Is.EqualTo(404));
    }

    [Test]
    public void GatewayApiNotServed_GatewayIsRejected()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { GatewayClasses = [] });

        ApplyResultAssert(fx.Exposure.Apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: cnf}\nspec: {gatewayClassName: x, listeners: [{name: h, protocol: HTTP, port: 80}]}\n"), "CRDs are not installed");
    }

    [Test]
    public void ServiceFrames_HttpRequestRoundTripsThroughRealBytes()
    {
        byte[] frame = ServiceFrames.Build([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2], IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), ServiceProtocol.Tcp, 1234, 80, ServiceFrames.HttpRequest(new HttpProbeRequest("A.Example.com:8080", "/x?y=1")));
        ServiceFrames.Rewrite(frame, IPAddress.Parse("10.244.1.5"), 8080, source: false);
        ServiceFrameFields f = ServiceFrames.Read(frame);

        Assert.That((f.Destination.ToString(), f.DestinationPort), Is.EqualTo(("10.244.1.5", 8080)));
        Assert.That(ServiceFrames.ParseHttpRequest(f.Payload), Is.EqualTo(("GET", "/x?y=1", "a.example.com")));
        Assert.That(NfvConformance.Packets.InternetChecksum.Compute(frame.AsSpan(14, 20)), Is.EqualTo(0));
    }

    private static void ApplyResultAssert(NfvConformance.Abstractions.ContainerPlatform.ApplyResult result, string text) =>
        Assert.That(result.Rejected.Single().Error, Does.Contain(text));
}

public sealed class ServiceAnswerTests
{
    [Test]
    public void Answer_ComesBackFromTheDialedVip()
    {
        ExposureFixture fx = new();
        fx.Apply(ExposureFixture.Service("web", "LoadBalancer"));
        string vip = fx.Exposure.GetService("cnf", "web")!.LoadBalancerIngress[0];

        ServiceProbeOutcome o = fx.Exposure.Probe(new ServiceProbe(vip, 80, ServiceProtocol.Tcp));

        Assert.That(o.ReplySourceSeen, Is.EqualTo($"{vip}:80"));
        Assert.That(o.SourceSeen, Does.StartWith("192.168.10."));
    }

    [Test]
    public void WithoutReverseNat_TheAnswerComesFromThePod()
    {
        ExposureFixture fx = new(new ServiceExposureOptions { ReverseNat = false });
        fx.Apply(ExposureFixture.Service("web", "ClusterIP"));
        string ip = fx.Exposure.GetService("cnf", "web")!.ClusterIps[0];

        ServiceProbeOutcome o = fx.Exposure.Probe(new ServiceProbe(ip, 80, ServiceProtocol.Tcp, "cnf", "client"));

        Assert.That(o.ReplySourceSeen, Is.EqualTo(o.DestinationSeen));
        Assert.That(o.ReplySourceSeen, Is.Not.EqualTo($"{ip}:80"));
    }
}
