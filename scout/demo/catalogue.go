package demo

// kind is one type of item in the catalogue: what it is worth used, in fair
// to good shape, and how sellers write about it. In templates, {brand} is
// replaced by one of brands.
type kind struct {
	category    string
	marketCents int64
	brands      []string
	titles      []string
	details     []string
}

// catalogue is what the demo marketplace sells. Market values are typical
// second-hand prices, so scores and comps look like real ones.
var catalogue = []kind{
	// Furniture.
	{"furniture>sofas", 45000, []string{"West Elm", "IKEA Kivik", "Pottery Barn", "Crate & Barrel", "Article"},
		[]string{"{brand} 3-seat sofa", "{brand} sofa, gray fabric", "Comfy {brand} couch", "{brand} sofa - great for small spaces"},
		[]string{"84 inches wide, removable cushion covers.", "Down-blend cushions, no rips or stains.", "Fits through a standard door, legs screw off."}},
	{"furniture>sectionals", 90000, []string{"Pottery Barn", "West Elm", "Ashley", "Burrow", "IKEA Vimle"},
		[]string{"{brand} sectional with chaise", "L-shaped {brand} sectional", "{brand} modular sectional, 5 pieces"},
		[]string{"Reversible chaise, seats six.", "Performance fabric, easy to clean.", "Comes apart into pieces for moving."}},
	{"furniture>loveseats", 25000, []string{"IKEA", "Ashley", "Wayfair", "Target Threshold"},
		[]string{"{brand} loveseat", "Small {brand} loveseat, velvet", "{brand} two-seater"},
		[]string{"Perfect for an apartment.", "Velvet upholstery, solid wood legs.", "About 60 inches wide."}},
	{"furniture>tables", 35000, []string{"solid oak", "Restoration Hardware", "mid-century teak", "farmhouse", "IKEA Ekedalen"},
		[]string{"{brand} dining table", "Dining table ({brand}) seats 6", "{brand} extendable table + 4 chairs"},
		[]string{"Extends from 47 to 71 inches.", "Chairs included, one has a wobbly leg.", "A few surface scratches, sturdy."}},
	{"furniture>dressers", 22000, []string{"IKEA Malm", "Pottery Barn Kids", "mid-century walnut", "West Elm"},
		[]string{"{brand} dresser", "6-drawer {brand} dresser", "{brand} chest of drawers"},
		[]string{"All drawers slide smoothly.", "Anti-tip kit included.", "Some wear on the top surface."}},
	{"furniture>bookcases", 8000, []string{"IKEA Billy", "Sauder", "solid pine", "Room & Board"},
		[]string{"{brand} bookshelf", "Tall {brand} bookcase", "{brand} shelving unit"},
		[]string{"Five adjustable shelves.", "About 6 feet tall.", "Disassembled for easy transport."}},
	{"furniture>office-chairs", 18000, []string{"Herman Miller Aeron", "Steelcase Leap", "IKEA Markus", "Autonomous", "HON"},
		[]string{"{brand} office chair", "{brand} ergonomic desk chair", "Office chair - {brand}"},
		[]string{"Fully adjustable arms and lumbar.", "Mesh back, no tears.", "Gas lift works perfectly."}},
	{"furniture>coffee-tables", 12000, []string{"West Elm", "IKEA Lack", "reclaimed wood", "marble-top", "CB2"},
		[]string{"{brand} coffee table", "Round {brand} coffee table", "{brand} coffee table with storage"},
		[]string{"Lift-top with storage inside.", "Solid and heavy, bring a friend.", "Small water ring on top."}},
	{"furniture>armchairs", 20000, []string{"leather", "Eames-style", "IKEA Poäng", "mid-century", "wingback"},
		[]string{"{brand} armchair", "{brand} accent chair", "Cozy {brand} reading chair"},
		[]string{"Very comfortable, great reading chair.", "Cushion recently re-stuffed.", "Matching ottoman available."}},

	// Electronics.
	{"electronics>tvs", 38000, []string{"Samsung", "LG", "Sony", "TCL", "Vizio"},
		[]string{"{brand} 55\" 4K TV", "{brand} 65 inch smart TV", "{brand} 50\" LED TV with remote"},
		[]string{"Remote and stand included.", "No dead pixels, wall-mount bracket included.", "HDR, all apps work."}},
	{"electronics>laptops", 65000, []string{"MacBook Air M2", "MacBook Pro 14", "Dell XPS 13", "ThinkPad X1 Carbon", "HP Spectre"},
		[]string{"{brand} laptop", "{brand}, 16GB RAM, 512GB", "{brand} with charger"},
		[]string{"Battery health 89%.", "Factory reset, ready to go.", "Light scuffs on the lid, screen is perfect."}},
	{"electronics>headphones", 22000, []string{"Sony WH-1000XM4", "Bose QC45", "AirPods Max", "Sennheiser Momentum"},
		[]string{"{brand} headphones", "{brand} noise cancelling headphones", "{brand} with case"},
		[]string{"Case and cable included.", "Noise cancelling works great.", "Ear pads replaced last month."}},
	{"electronics>monitors", 18000, []string{"Dell UltraSharp 27\"", "LG 27\" 4K", "ASUS 144Hz", "Samsung Odyssey"},
		[]string{"{brand} monitor", "{brand} display with stand", "Monitor: {brand}"},
		[]string{"Height-adjustable stand.", "USB-C with power delivery.", "No dead pixels."}},
	{"electronics>consoles", 35000, []string{"PS5", "Xbox Series X", "Nintendo Switch OLED", "Steam Deck"},
		[]string{"{brand} console", "{brand} + 2 controllers", "{brand} bundle with games"},
		[]string{"Comes with two controllers.", "Works perfectly, original box.", "Includes three games."}},
	{"electronics>cameras", 55000, []string{"Canon EOS R", "Sony a6400", "Fujifilm X-T3", "Nikon Z6"},
		[]string{"{brand} camera body", "{brand} with kit lens", "{brand} mirrorless camera"},
		[]string{"Shutter count under 10k.", "Two batteries and a charger.", "Sensor is clean."}},

	// Tools.
	{"tools>drills", 12000, []string{"DeWalt 20V", "Milwaukee M18", "Makita 18V", "Ryobi One+"},
		[]string{"{brand} drill kit", "{brand} drill/driver with 2 batteries", "{brand} hammer drill"},
		[]string{"Two batteries and charger included.", "Hard case included.", "Barely used, homeowner owned."}},
	{"tools>saws", 45000, []string{"DeWalt", "SawStop", "Bosch", "Skil"},
		[]string{"{brand} table saw", "{brand} jobsite table saw", "{brand} 10\" table saw with stand"},
		[]string{"Fence is true, blade is sharp.", "Rolling stand included.", "Dust collection port works."}},
	{"tools>storage", 30000, []string{"Husky", "Craftsman", "Milwaukee", "Kobalt"},
		[]string{"{brand} rolling tool chest", "{brand} tool cabinet", "{brand} 2-piece tool chest"},
		[]string{"All drawers have ball-bearing slides.", "Keys included.", "A few dents on the side."}},
	{"tools>pressure-washers", 22000, []string{"Ryobi", "Sun Joe", "Greenworks", "Simpson"},
		[]string{"{brand} pressure washer", "{brand} electric pressure washer", "{brand} 3000 PSI gas pressure washer"},
		[]string{"All nozzles included.", "Starts first pull.", "Used a handful of times."}},
	{"tools>mowers", 28000, []string{"Honda", "EGO 56V", "Toro", "Craftsman"},
		[]string{"{brand} lawn mower", "{brand} self-propelled mower", "{brand} mower with bagger"},
		[]string{"Blade sharpened this spring.", "Battery and charger included.", "Runs great."}},

	// Bikes.
	{"bikes>road", 90000, []string{"Trek Domane", "Specialized Allez", "Cannondale Synapse", "Giant Defy"},
		[]string{"{brand} road bike, 56cm", "{brand} 54cm", "{brand} road bike - Shimano 105"},
		[]string{"Shimano 105 groupset.", "New tires and chain.", "Carbon fork, tuned up last month."}},
	{"bikes>mountain", 75000, []string{"Trek Marlin", "Specialized Rockhopper", "Santa Cruz Chameleon", "Giant Talon"},
		[]string{"{brand} mountain bike", "{brand} size L", "{brand} hardtail MTB"},
		[]string{"Hydraulic disc brakes.", "Fork serviced recently.", "Tubeless-ready wheels."}},
	{"bikes>kids", 9000, []string{"Trek Precaliber", "Specialized Riprock", "Guardian", "Woom 3"},
		[]string{"{brand} kids bike", "{brand} 20\" kids bike", "Kids bike ({brand}) with training wheels"},
		[]string{"Outgrown, ready for the next kid.", "Training wheels included.", "Fits ages 5-8."}},
	{"bikes>electric", 140000, []string{"Rad Power RadCity", "Aventon Level", "Specialized Turbo Vado", "Lectric XP"},
		[]string{"{brand} e-bike", "{brand} electric bike", "{brand} e-bike with rack"},
		[]string{"Battery holds a full charge, about 40 miles.", "Rear rack and fenders included.", "Two keys and the charger."}},
	{"bikes>hybrid", 40000, []string{"Trek FX", "Giant Escape", "Specialized Sirrus", "Cannondale Quick"},
		[]string{"{brand} hybrid bike", "{brand} commuter bike", "{brand} city bike, medium"},
		[]string{"Great commuter, lights included.", "Kickstand and bottle cage.", "Just tuned."}},

	// Appliances.
	{"appliances>refrigerators", 80000, []string{"Samsung", "LG", "Whirlpool", "GE"},
		[]string{"{brand} French door fridge", "{brand} refrigerator with ice maker", "{brand} stainless fridge"},
		[]string{"Ice maker works.", "Stainless, no dents.", "Must be gone by the weekend, bring a dolly."}},
	{"appliances>washers", 45000, []string{"LG", "Maytag", "Samsung", "Whirlpool"},
		[]string{"{brand} front-load washer", "{brand} washer", "{brand} top-load washing machine"},
		[]string{"Hoses included.", "Works perfectly, upgrading.", "Quiet and efficient."}},
	{"appliances>microwaves", 9000, []string{"Panasonic", "Breville", "Toshiba", "GE"},
		[]string{"{brand} microwave", "{brand} countertop microwave", "{brand} inverter microwave"},
		[]string{"Clean inside and out.", "Turntable included.", "1200 W."}},
	{"appliances>mixers", 25000, []string{"KitchenAid Artisan", "KitchenAid Pro", "Kenwood Chef", "Cuisinart"},
		[]string{"{brand} stand mixer", "{brand} mixer with attachments", "{brand} 5 qt mixer"},
		[]string{"Dough hook, whisk and paddle.", "Bowl is scratch-free.", "Pasta attachment included."}},
	{"appliances>espresso", 35000, []string{"Breville Barista Express", "De'Longhi", "Gaggia Classic", "Rancilio Silvia"},
		[]string{"{brand} espresso machine", "{brand} with grinder", "{brand} espresso maker"},
		[]string{"Descaled monthly.", "Tamper and milk jug included.", "Pulls great shots."}},
	{"appliances>vacuums", 20000, []string{"Dyson V11", "Shark Navigator", "Miele", "Roomba i7"},
		[]string{"{brand} vacuum", "{brand} cordless vacuum", "{brand} with all attachments"},
		[]string{"Filter replaced recently.", "Battery lasts about 40 minutes.", "All attachments included."}},
}

// Wording shared across kinds.
var (
	conditionWords = map[string][]string{
		"new":       {"brand new in box", "new, never opened"},
		"like_new":  {"like new", "barely used", "open box"},
		"excellent": {"excellent condition"},
		"great":     {"great condition", "very good condition"},
		"good":      {"good condition", "normal wear"},
		"fair":      {"fair condition", "some wear, works fine"},
	}
	partsWords  = []string{"for parts", "broken", "not working", "for parts or repair"}
	freeWords   = []string{"FREE: ", "Free - ", "Curb alert: ", "Free: "}
	logistics   = []string{"Pickup only.", "Cash or Venmo.", "No holds, first come first served.", "Smoke-free home.", "Can help load.", "Price is firm.", "Open to reasonable offers."}
	sellerNames = []string{"Alex", "Maria", "Sam", "Priya", "Jordan", "Chen", "Taylor", "Luis", "Aisha", "Noah", "Grace", "Omar", "Hannah", "Diego", "Mei"}
)
