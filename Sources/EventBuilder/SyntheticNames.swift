/// Word lists for synthetic people and places. Invented or very common names only; addresses use
/// made-up street names and real town names with postcode districts of the right area but a
/// made-up inward code ending `XX`, which no real postcode uses.
enum SyntheticNames {
    static let givenFemale = [
        "Amara", "Olivia", "Isla", "Ava", "Freya", "Lily", "Sophia", "Mia", "Aisha", "Zara", "Ella", "Grace",
        "Maya", "Ruby", "Evie", "Hana", "Poppy", "Nia", "Iris", "Erin", "Layla", "Chloe", "Rosie", "Imogen",
    ]
    static let givenMale = [
        "Leo", "Oliver", "Noah", "Arlo", "Muhammad", "George", "Theo", "Jack", "Oscar", "Harry", "Idris",
        "Ravi", "Finn", "Ethan", "Kai", "Samuel", "Tomasz", "Ibrahim", "Reuben", "Owen", "Elijah", "Rory",
    ]
    static let family = [
        "SMITH", "JONES", "TAYLOR", "BROWN", "WILLIAMS", "WILSON", "JOHNSON", "DAVIES", "PATEL", "ROBINSON",
        "WRIGHT", "THOMPSON", "EVANS", "WALKER", "WHITE", "ROBERTS", "GREEN", "HALL", "KHAN", "OKAFOR",
        "NOWAK", "ADEYEMI", "MURPHY", "CHEN", "HUSSAIN", "KAUR", "CLARKE", "HUGHES", "MORGAN", "BEGUM",
    ]
    static let streets = [
        "Sample Close", "Meadow Way", "Orchard Road", "Mill Lane", "Station Street", "Church View", "Park Avenue",
        "Willow Grove", "Beech Crescent", "Canal Walk", "Heather Rise", "Quarry Bank", "Elm Terrace",
    ]
    /// Town and the postcode districts used for it.
    static let towns: [(town: String, districts: [String], phone: String)] = [
        ("Leeds", ["LS6", "LS8", "LS11"], "0113 496"),
        ("Sheffield", ["S1", "S7", "S10"], "0114 496"),
        ("Bristol", ["BS3", "BS5", "BS7"], "0117 496"),
        ("Nottingham", ["NG3", "NG5", "NG7"], "0115 496"),
        ("Manchester", ["M13", "M14", "M20"], "0161 496"),
        ("Newcastle upon Tyne", ["NE2", "NE4", "NE6"], "0191 498"),
    ]
    static let practiceWords = ["Riverside", "Northgate", "Hillview", "Parkside", "Meadowbank", "Oakwood", "Brookfield", "Castlegate"]
    static let practitionerFamily = ["ADEYEMI", "FOSTER", "LLOYD", "MISTRY", "O'BRIEN", "SHAH", "BENNETT", "OWUSU", "REID", "DOYLE"]
    static let practitionerGiven = ["Ruth", "Helen", "Priya", "Sarah", "James", "Daniel", "Fatima", "Claire", "Mark", "Joanne"]
}
