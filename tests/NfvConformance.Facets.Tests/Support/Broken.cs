// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace NfvConformance.Facets.Tests.Support;

/// <summary>
/// Makes a deliberately wrong facet out of a real one: every member goes to the real facet except the ones replaced.
/// Used only to show that each contract test fails when the facet breaks the rule the test checks.
/// </summary>
public static class Broken
{
    /// <summary>Wraps a facet, replacing some of its members.</summary>
    /// <typeparam name="T">The facet interface.</typeparam>
    /// <param name="inner">The real facet.</param>
    /// <param name="replacements">By member name (a property's getter is <c>get_Name</c>): what to do instead, given the
    /// call's arguments and a function that makes the real call.</param>
    /// <returns>The broken facet.</returns>
    public static T Facet<T>(T inner, params (string Member, Func<object?[], Func<object?>, object?> Instead)[] replacements)
        where T : class
    {
        T proxy = DispatchProxy.Create<T, BrokenProxy>();
        BrokenProxy broken = (BrokenProxy)(object)proxy;
        broken.Inner = inner;
        broken.Replacements = replacements.ToDictionary(r => r.Member, r => r.Instead, StringComparer.Ordinal);
        return proxy;
    }

    /// <summary>Changes the result of an asynchronous member when it completes.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The real call.</param>
    /// <param name="change">What to make of its result.</param>
    /// <returns>The changed result.</returns>
    public static ValueTask<T> Then<T>(ValueTask<T> task, Func<T, T> change) =>
        new(task.AsTask().ContinueWith(t => change(t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));

    /// <summary>Hides an asynchronous member's failure of one type behind a result, as a facet that swallows the error would.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <typeparam name="TException">The failure hidden.</typeparam>
    /// <param name="real">Makes the real call.</param>
    /// <param name="instead">What to answer instead of the failure.</param>
    /// <returns>The real result, or <paramref name="instead"/>.</returns>
    public static async ValueTask<T> Swallow<T, TException>(Func<object?> real, T instead)
        where TException : Exception
    {
        try
        {
            return await ((ValueTask<T>)real()!).ConfigureAwait(false);
        }
        catch (TException)
        {
            return instead;
        }
    }

    /// <summary>The proxy behind <see cref="Facet{T}"/>.</summary>
    public class BrokenProxy : DispatchProxy
    {
        internal object Inner { get; set; } = null!;

        internal Dictionary<string, Func<object?[], Func<object?>, object?>> Replacements { get; set; } = [];

        /// <inheritdoc />
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            object?[] arguments = args ?? [];
            object? Real()
            {
                try
                {
                    return targetMethod.Invoke(Inner, arguments);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;
                }
            }

            return Replacements.TryGetValue(targetMethod.Name, out Func<object?[], Func<object?>, object?>? instead) ? instead(arguments, Real) : Real();
        }
    }
}
