// Licensed under the Apache License, Version 2.0.
// Written exactly as Reqnroll's documentation writes a binding (docs.reqnroll.net: "Step Definitions",
// "ScenarioContext", "Context Injection", "DataTable Helpers"): nothing of NfvConformance in it.
#nullable disable
#pragma warning disable CA1515, CA1822, CA2201, IDE0008, IDE0090, IDE0290, SA1600
using Reqnroll;

namespace NfvConformance.Core.Tests.Running.Bindings;

[Binding]
public class CalculatorStepDefinitions
{
    private readonly ScenarioContext _scenarioContext;

    public CalculatorStepDefinitions(ScenarioContext scenarioContext)
    {
        _scenarioContext = scenarioContext;
    }

    [Given("the first number is {int}")]
    public void GivenTheFirstNumberIs(int number)
    {
        _scenarioContext["Number1"] = number;
    }

    [Given("the following books")]
    public void GivenTheFollowingBooks(DataTable table)
    {
        var books = table.CreateSet<Book>();
        _scenarioContext["Books"] = books.ToList();
    }

    [When("the prices of the books are added to the first number")]
    public void WhenThePricesOfTheBooksAreAddedToTheFirstNumber()
    {
        var books = (List<Book>)_scenarioContext["Books"];
        _scenarioContext["Result"] = (int)_scenarioContext["Number1"] + books.Sum(b => b.Price);
    }

    [Then("the result should be {int}")]
    public void ThenTheResultShouldBe(int result)
    {
        if ((int)_scenarioContext["Result"] != result)
        {
            throw new Exception($"Expected {result} but was {_scenarioContext["Result"]}");
        }
    }
}

public class Book
{
    public string Title { get; set; }

    public string Author { get; set; }

    public int Price { get; set; }
}
