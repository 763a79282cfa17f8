// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using Reqnroll;
using Reqnroll.Analytics;
using Reqnroll.BoDi;
using Reqnroll.Formatters.Configuration;
using Reqnroll.Infrastructure;
using Reqnroll.Plugins;
using Reqnroll.Tracing;
using Reqnroll.UnitTestProvider;

namespace NfvConformance.Core.Running.Internal;

/// <summary>
/// Reqnroll's runtime as <c>nfvc run</c> hosts it, with no generated code: Reqnroll's own container, binding
/// registry, step matching, argument conversion, hooks and context injection, and Reqnroll's own Cucumber message
/// and HTML formatters. What the host adds, through Reqnroll's extension points only: a unit-test provider named
/// <c>nfvc</c> (no test framework runs here), no console tracing (the run has its own progress output), no
/// telemetry (a conformance tool makes no network request it was not asked to make), and where the formatters write.
/// </summary>
internal static class ReqnrollRuntime
{
    /// <summary>The unit-test provider name the host registers.</summary>
    public const string ProviderName = "nfvc";

    /// <summary>Creates a test-runner manager for the binding assembly, with a global container of its own.</summary>
    /// <param name="bindingAssembly">The assembly with the <c>[Binding]</c> classes (Reqnroll's "test assembly").</param>
    /// <param name="messagesFile">Where Reqnroll's message formatter writes Cucumber messages NDJSON, or null for none.</param>
    /// <param name="htmlFile">Where Reqnroll's HTML formatter writes the Cucumber HTML report, or null for none.</param>
    /// <returns>The manager and its global container.</returns>
    public static (ITestRunnerManager Manager, IObjectContainer Global) Create(Assembly bindingAssembly, string? messagesFile, string? htmlFile)
    {
        HostContainerBuilder builder = new(new Formatters(messagesFile, htmlFile));
        IObjectContainer global = builder.CreateGlobalContainer(bindingAssembly);
        ITestRunnerManager manager = global.Resolve<ITestRunnerManager>();
        manager.Initialize(bindingAssembly);
        return (manager, global);
    }

    private sealed class HostContainerBuilder(Formatters formatters) : ContainerBuilder
    {
        protected override void RegisterDefaults(ObjectContainer container)
        {
            base.RegisterDefaults(container);
            container.RegisterInstanceAs<IRuntimePlugin>(new HostPlugin(), ProviderName);
            container.RegisterTypeAs<SilentTraceListener, ITraceListener>();
            container.RegisterTypeAs<TelemetryOff, IEnvironmentReqnrollTelemetryChecker>();
            container.RegisterInstanceAs<IFormattersConfigurationProvider>(formatters);
        }
    }

    private sealed class HostPlugin : IRuntimePlugin
    {
        public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters, UnitTestProviderConfiguration unitTestProviderConfiguration)
        {
            unitTestProviderConfiguration.UseUnitTestProvider(ProviderName);
            runtimePluginEvents.RegisterGlobalDependencies += (_, e) => e.ObjectContainer.RegisterTypeAs<HostRuntimeProvider, IUnitTestRuntimeProvider>(ProviderName);
            runtimePluginEvents.CustomizeTestThreadDependencies += (_, e) => e.ObjectContainer.RegisterTypeAs<SilentTraceListener, ITraceListener>();
        }
    }

    /// <summary>
    /// What Reqnroll asks of a test framework. Not applicable is a skip (the runner reads the reason from the
    /// exception); an ignore asked for by a binding is a skip too.
    /// </summary>
    private sealed class HostRuntimeProvider : IUnitTestRuntimeProvider
    {
        public void TestPending(string message) => throw new PendingStepException(message);

        public void TestInconclusive(string message) => throw new PendingStepException(message);

        public void TestIgnore(string message) => throw new ScenarioIgnoredException(message);

        public ScenarioExecutionStatus? DetectExecutionStatus(Exception exception) => exception switch
        {
            ScenarioNotApplicableException or ScenarioIgnoredException => ScenarioExecutionStatus.Skipped,
            _ => null,
        };
    }

    private sealed class SilentTraceListener : ITraceListener
    {
        public void WriteTestOutput(string message)
        {
        }

        public void WriteToolOutput(string message)
        {
        }
    }

    private sealed class TelemetryOff : IEnvironmentReqnrollTelemetryChecker
    {
        public bool IsReqnrollTelemetryEnabled() => false;
    }

    /// <summary>Reqnroll's <c>message</c> and <c>html</c> formatters, writing into the run folder.</summary>
    private sealed class Formatters(string? messagesFile, string? htmlFile) : IFormattersConfigurationProvider
    {
        public bool Enabled => messagesFile is not null || htmlFile is not null;

        public IDictionary<string, object>? GetFormatterConfigurationByName(string formatterName) => formatterName switch
        {
            "message" when messagesFile is not null => new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase) { ["outputFilePath"] = messagesFile },
            "html" when htmlFile is not null => new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase) { ["outputFilePath"] = htmlFile },
            _ => null,
        };

        public string ResolveTemplatePlaceholders(string template) => template;
    }
}

/// <summary>A binding asked Reqnroll to ignore the scenario (<c>IUnitTestRuntimeProvider.TestIgnore</c>).</summary>
internal sealed class ScenarioIgnoredException(string message) : Exception(message);
