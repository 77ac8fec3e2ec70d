import FHIRModel

/// The stable rule ids of the issues the FHIR XML reader and writer report (`Issue.rule`).
public enum XMLRule: String, RuleRegistry {
    /// The input is not well-formed XML, is empty, or has no root element (XML 1.0).
    case syntax = "xml.syntax"
    /// The input is larger than the reader's limit.
    case tooLarge = "xml.too-large"
    /// Elements nest deeper than the reader's limit.
    case tooDeep = "xml.too-deep"
    /// An element has more child elements than the reader's limit.
    case tooManyChildren = "xml.too-many-children"
    /// More errors than the reader's limit: it stopped.
    case tooManyErrors = "xml.too-many-errors"
    /// An encoding other than UTF-8, or bytes that are not UTF-8 (FHIR XML is UTF-8).
    case encoding = "xml.encoding"
    /// A DOCTYPE: refused (DTDs and entity declarations allow XXE and entity expansion).
    case doctype = "xml.doctype"
    /// An entity other than the five predefined ones and character references.
    case entity = "xml.entity"
    /// An element outside the FHIR namespace (or XHTML outside the XHTML one in a narrative).
    case namespace = "xml.namespace"
    /// The elements around a resource break FHIR XML's wrapping (a wrapper such as `resource` or `contained` holds exactly one resource).
    case wrapper = "xml.wrapper"
    /// Text between elements, where FHIR XML keeps values in `value` attributes.
    case textContent = "xml.text-content"
    /// An attribute FHIR XML does not define (only `value`, `id`, `url` and namespaces).
    case unknownAttribute = "xml.unknown-attribute"
    /// An attribute on a resource element (FHIR XML puts a resource's id in an `id` element).
    case resourceAttribute = "xml.resource-attribute"
    /// An `xsi` attribute (schemaLocation), which FHIR XML instances must not carry: dropped.
    case schemaLocation = "xml.schema-location"
    /// A processing instruction, which FHIR XML ignores.
    case processingInstruction = "xml.processing-instruction"
    /// A comment the writer cannot place, or whose text XML comments cannot hold (`--`).
    case comment = "xml.comment"
    /// Writing: a character that XML 1.0 cannot carry.
    case invalidChar = "xml.invalid-char"
    /// Writing: a name that cannot be an XML element name.
    case invalidName = "xml.invalid-name"
    /// Writing: no definition pack to order the elements by.
    case noDefinitions = "xml.no-definitions"
    /// Writing: a definition the pack lacks for an element met.
    case noDefinition = "xml.no-definition"
    /// Writing: a root element with no resource type.
    case untypedRoot = "xml.untyped-root"
    /// Writing: a resource type the pack does not know.
    case unknownResource = "xml.unknown-resource"
    /// Writing: a resource-holding element with no resource in it.
    case missingResource = "xml.missing-resource"
    /// Writing: a resource where the definitions expect none.
    case unexpectedResource = "xml.unexpected-resource"

    /// Writing: a narrative `div` that is not well-formed XHTML (an id kept from the XML layer's start).
    case xhtmlNotWellFormed = "xhtml.not-well-formed"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.xml

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .syntax: return "the input is not well-formed XML, is empty, or has no root element"
        case .tooLarge: return "the input is larger than the reader's limit"
        case .tooDeep: return "elements nest deeper than the reader's limit"
        case .tooManyChildren: return "an element has more child elements than the reader's limit"
        case .tooManyErrors: return "more errors than the reader's limit: it stopped"
        case .encoding: return "an encoding other than UTF-8, or bytes that are not UTF-8"
        case .doctype: return "a DOCTYPE: refused (XXE and entity expansion)"
        case .entity: return "an entity other than the five predefined ones and character references"
        case .namespace: return "an element outside the FHIR namespace (or a narrative's outside XHTML)"
        case .wrapper: return "the elements around a resource break FHIR XML's wrapping (a wrapper holds exactly one resource)"
        case .textContent: return "text between elements: FHIR XML keeps values in value attributes"
        case .unknownAttribute: return "an attribute FHIR XML does not define"
        case .resourceAttribute: return "an attribute on a resource element"
        case .schemaLocation: return "an xsi attribute (schemaLocation), which FHIR XML must not carry: dropped"
        case .processingInstruction: return "a processing instruction, which FHIR XML ignores"
        case .comment: return "a comment the writer cannot place, or whose text an XML comment cannot hold"
        case .invalidChar: return "writing: a character XML 1.0 cannot carry"
        case .invalidName: return "writing: a name that cannot be an XML element name"
        case .noDefinitions: return "writing: no definition pack to order the elements by"
        case .noDefinition: return "writing: the pack has no definition for an element met"
        case .untypedRoot: return "writing: a root element with no resource type"
        case .unknownResource: return "writing: a resource type the pack does not know"
        case .missingResource: return "writing: a resource-holding element with no resource in it"
        case .unexpectedResource: return "writing: a resource where the definitions expect none"
        case .xhtmlNotWellFormed: return "writing: a narrative div that is not well-formed XHTML"
        }
    }
}

/// The stable rule ids of the official FHIR XML Schema check (``XMLSchemaValidator``).
public enum SchemaRule: String, RuleRegistry {
    /// The document breaks the official FHIR STU3 XML Schema (fhir-all.xsd).
    case invalid = "xsd.invalid"
    /// A warning of the XML Schema validator.
    case warning = "xsd.warning"
    /// The XML Schema itself could not be loaded or compiled.
    case load = "xsd.load"
    /// The XML Schema check was asked for a JSON message: it applies to XML only.
    case notApplicable = "xsd.not-applicable"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.schema

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .invalid: return "the document breaks the official FHIR STU3 XML Schema (fhir-all.xsd)"
        case .warning: return "a warning of the XML Schema validator"
        case .load: return "the XML Schema could not be loaded or compiled"
        case .notApplicable: return "the XML Schema check applies to XML messages only"
        }
    }
}
