// Licensed under the Apache License, Version 2.0.
using Io.Cucumber.Messages.Types;
using Reqnroll.Formatters.RuntimeSupport;

namespace NfvConformance.Core.Running.Internal;

/// <summary>
/// A feature file's Cucumber messages (source, Gherkin document, pickles) as Reqnroll's formatters expect them from
/// generated code, made here at run time with Cucumber's own Gherkin parser. The pickles are compiled with the same
/// id generator as the document, so they point into it; their order is the order of the run's pickles.
/// </summary>
internal sealed class FeatureMessages : IFeatureLevelCucumberMessages
{
    private FeatureMessages(Source source, GherkinDocument document, IReadOnlyList<Pickle> pickles)
    {
        Source = source;
        GherkinDocument = document;
        Pickles = pickles;
    }

    public bool HasMessages => true;

    public GherkinDocument GherkinDocument { get; }

    public IEnumerable<Pickle> Pickles { get; }

    public Source Source { get; }

    /// <summary>Gets the pickles as a list.</summary>
    public IReadOnlyList<Pickle> PickleList => (IReadOnlyList<Pickle>)Pickles;

    /// <summary>Parses a feature file with Cucumber's Gherkin; null when it does not parse (the run's own parser reports why).</summary>
    /// <param name="path">The file.</param>
    /// <param name="uri">The uri the messages carry (relative to the features folder).</param>
    /// <returns>The messages, or null.</returns>
    public static FeatureMessages? TryLoad(string path, string uri)
    {
        string text = File.ReadAllText(path);
        try
        {
            global::Gherkin.CucumberMessages.IncrementingIdGenerator ids = new();
            global::Gherkin.Ast.GherkinDocument ast = new global::Gherkin.Parser().Parse(new StringReader(text));
            GherkinDocument document = new global::Gherkin.CucumberMessages.AstMessagesConverter(ids).ConvertGherkinDocumentToEventArgs(ast, uri);
            List<Pickle> pickles = new global::Gherkin.CucumberMessages.Pickles.PickleCompiler(ids).Compile(document);
            return new FeatureMessages(new Source(uri, text, SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN), document, pickles);
        }
        catch (global::Gherkin.CompositeParserException)
        {
            return null;
        }
        catch (global::Gherkin.ParserException)
        {
            return null;
        }
    }
}
