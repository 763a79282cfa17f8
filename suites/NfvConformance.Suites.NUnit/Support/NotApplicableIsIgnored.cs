// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Running;
using Reqnroll.Analytics;
using Reqnroll.Bindings;
using Reqnroll.Configuration;
using Reqnroll.EnvironmentAccess;
using Reqnroll.ErrorHandling;
using Reqnroll.Events;
using Reqnroll.Infrastructure;
using Reqnroll.Plugins;
using Reqnroll.Tracing;
using Reqnroll.UnitTestProvider;

namespace NfvConformance.Suites.NUnit.Support;

/// <summary>
/// Reqnroll's execution engine, except that a scenario that is not applicable to the target (a
/// <see cref="ScenarioNotApplicableException"/> from the applicability hook or a driver) ends as an ignored NUnit
/// test with the reason, as <c>nfvc run</c> reports it not applicable, instead of an error.
/// </summary>
internal sealed class NotApplicableIsIgnored(
    IStepFormatter stepFormatter,
    ITestTracer testTracer,
    IErrorProvider errorProvider,
    IStepArgumentTypeConverter stepArgumentTypeConverter,
    ReqnrollConfiguration reqnrollConfiguration,
    IEnvironmentOptions environmentOptions,
    IBindingRegistry bindingRegistry,
    IUnitTestRuntimeProvider unitTestRuntimeProvider,
    IContextManager contextManager,
    IStepDefinitionMatchService stepDefinitionMatchService,
    IAsyncBindingInvoker bindingInvoker,
    IObsoleteStepHandler obsoleteStepHandler,
    IAnalyticsRuntimeTelemetryService telemetryService,
    IRuntimePluginTestExecutionLifecycleEventEmitter runtimePluginTestExecutionLifecycleEventEmitter,
    ITestThreadExecutionEventPublisher testThreadExecutionEventPublisher,
    ITestPendingMessageFactory testPendingMessageFactory,
    ITestUndefinedMessageFactory testUndefinedMessageFactory,
    ITestObjectResolver testObjectResolver,
    Reqnroll.ITestRunContext testRunContext)
    : TestExecutionEngine(
        stepFormatter, testTracer, errorProvider, stepArgumentTypeConverter, reqnrollConfiguration, environmentOptions, bindingRegistry,
        unitTestRuntimeProvider, contextManager, stepDefinitionMatchService, bindingInvoker, obsoleteStepHandler, telemetryService,
        runtimePluginTestExecutionLifecycleEventEmitter, testThreadExecutionEventPublisher, testPendingMessageFactory, testUndefinedMessageFactory,
        testObjectResolver, testRunContext)
{
    public override async Task OnAfterLastStepAsync()
    {
        try
        {
            await base.OnAfterLastStepAsync().ConfigureAwait(false);
        }
        catch (ScenarioNotApplicableException notApplicable)
        {
            Assert.Ignore("not applicable: " + notApplicable.Reason);
        }
    }
}
