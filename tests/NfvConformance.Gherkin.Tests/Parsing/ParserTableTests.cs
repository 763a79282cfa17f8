// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Parsing.Internal;

namespace NfvConformance.Gherkin.Tests.Parsing;

[TestFixture]
public sealed class ParserTableTests
{
    [Test]
    public void States_EveryTransition_TargetsADefinedState()
    {
        // Arrange
        ParserState[] states = ParserTable.States;

        // Act
        List<string> problems = [];
        for (int i = 0; i < states.Length; i++)
        {
            if (states[i] is null)
            {
                problems.Add($"state {i} is not defined");
                continue;
            }

            foreach (Transition t in states[i].Transitions)
            {
                bool special = t.Next is -1 or -2;
                if (!special && (t.Next < 0 || t.Next >= states.Length))
                {
                    problems.Add($"{states[i].Name}: #{t.Token} goes to {t.Next}");
                }
            }
        }

        // Assert
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void States_ScenarioStep_ExpectsCucumbersTokenList()
    {
        // Arrange
        ParserState step = ParserTable.States.Single(s => s.Name == "ScenarioStep");

        // Act
        string expected = string.Join(", ", step.ExpectedTokens);

        // Assert
        Assert.That(expected, Is.EqualTo("#EOF, #TableRow, #DocStringSeparator, #StepLine, #TagLine, #ExamplesLine, #ScenarioLine, #RuleLine, #Comment, #Empty"));
    }
}
