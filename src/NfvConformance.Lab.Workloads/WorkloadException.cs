// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Lab.Workloads;

/// <summary>A workload could not be created, reached or read back; the message says what to do.</summary>
public sealed class WorkloadException : NfvConformanceException
{
    /// <summary>Initializes a new instance of the <see cref="WorkloadException"/> class.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public WorkloadException(string message, Exception? innerException = null)
        : base(message, Severity.Failure, innerException)
    {
    }
}
