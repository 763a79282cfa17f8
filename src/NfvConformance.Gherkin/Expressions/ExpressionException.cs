// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Gherkin.Expressions;

/// <summary>A step expression that cannot be compiled; the message names the expression, the position and the fix.</summary>
internal sealed class ExpressionException : ConfigurationException
{
    public ExpressionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
