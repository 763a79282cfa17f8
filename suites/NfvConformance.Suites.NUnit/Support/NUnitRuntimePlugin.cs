// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Running;
using NfvConformance.Suites.NUnit.Support;
using Reqnroll;
using Reqnroll.Analytics;
using Reqnroll.Infrastructure;
using Reqnroll.Plugins;
using Reqnroll.UnitTestProvider;

[assembly: RuntimePlugin(typeof(NUnitRuntimePlugin))]

namespace NfvConformance.Suites.NUnit.Support;

/// <summary>
/// What the Reqnroll.NUnit package would register (it is not on the package mirror): the <c>nunit</c> unit-test
/// runtime provider that the code generated for NUnit asks for. Also: no telemetry, and a scenario that is not
/// applicable to the target becomes an ignored test with the reason.
/// </summary>
public sealed class NUnitRuntimePlugin : IRuntimePlugin
{
    /// <inheritdoc />
    public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters, UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        ArgumentNullException.ThrowIfNull(runtimePluginEvents);
        ArgumentNullException.ThrowIfNull(unitTestProviderConfiguration);
        unitTestProviderConfiguration.UseUnitTestProvider("nunit");
        runtimePluginEvents.RegisterGlobalDependencies += (_, e) =>
        {
            e.ObjectContainer.RegisterTypeAs<NUnitRuntimeProvider, IUnitTestRuntimeProvider>("nunit");
            e.ObjectContainer.RegisterTypeAs<TelemetryOff, IEnvironmentReqnrollTelemetryChecker>();
        };
        runtimePluginEvents.CustomizeTestThreadDependencies += (_, e) => e.ObjectContainer.RegisterTypeAs<NotApplicableIsIgnored, ITestExecutionEngine>();
    }

    private sealed class NUnitRuntimeProvider : IUnitTestRuntimeProvider
    {
        public void TestPending(string message) => Assert.Inconclusive(message);

        public void TestInconclusive(string message) => Assert.Inconclusive(message);

        public void TestIgnore(string message) => Assert.Ignore(message);

        public ScenarioExecutionStatus? DetectExecutionStatus(Exception exception) => exception switch
        {
            InconclusiveException or IgnoreException or ScenarioNotApplicableException => ScenarioExecutionStatus.Skipped,
            _ => null,
        };
    }

    private sealed class TelemetryOff : IEnvironmentReqnrollTelemetryChecker
    {
        public bool IsReqnrollTelemetryEnabled() => false;
    }
}
