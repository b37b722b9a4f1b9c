package title

// titleVocabText is the title vocabulary, one entry per line:
//
//	phrases | seniority | function[:priority] | flags
//
// Phrases are comma-separated and matched on folded words, longest phrase
// first, so "vice president" wins over "president" and "chief of staff" over
// "chief". A function's priority (default 3) decides between two functions
// in one role: domain words (sales, finance) are 3, role nouns that say less
// ("engineer", "product") 2, and generic ones ("operations", "project",
// "analyst") 1, so "Product Marketing Manager" is marketing, "Sales
// Engineer" sales and "Sales Operations" sales. Executive titles carry
// function executive at priority 0: any domain word beats them, so "Founder
// & CTO" is engineering and "CEO" alone executive.
//
// Flags: h marks a role noun (a segment holding one is a role of its own),
// asst an assistant whose "to ..." or "of ..." names somebody else's role,
// mod a word that is a level only at the end of its role ("Partner" but not
// "Partner Manager").
//
// Decisions worth knowing:
//   - "Chief of Staff" is director/executive: it runs the executive office
//     but owns no line organisation and does not sign for the company.
//   - "General Manager" is director (in English it is mostly a site or
//     business-unit head); "Director General", "Directeur général", "Gerente
//     general", "Geschäftsführer" and "Gérant" are the legal head of the
//     company and c_level.
//   - "Leiter X" and "Abteilungsleiter" read as "Head of X": director;
//     "Teamleiter", "Gruppenleiter", "Projektleiter" lead a team: manager.
//   - "Gen" is not expanded: in titles it is demand or lead generation
//     ("Demand Gen Manager" is marketing), and general managers write "GM"
//     or the words.
//   - An intern, trainee, working student or apprentice is an intern
//     whatever level the title also names (see titleInternWords).
//   - "PM" is "project manager": outside software houses it overwhelmingly
//     means that, and product managers write their title in full.
//   - A role with no level word ("Software Engineer", "Consultant",
//     "Account Executive") is seniority other, not entry: entry is kept for
//     the words that say so (junior, associate, assistant, coordinator,
//     representative, analyst, clerk, trainee-level Sachbearbeiter).
const titleVocabText = `
# c-level and owners
chief executive officer, chief executive | c_level | executive:0 | h
chief financial officer, chief finance officer | c_level | finance | h
chief technology officer, chief technical officer | c_level | engineering | h
chief information officer | c_level | it | h
chief information security officer, chief security officer | c_level | it | h
chief operating officer, chief operations officer | c_level | operations | h
chief marketing officer | c_level | marketing | h
chief revenue officer, chief sales officer, chief commercial officer | c_level | sales | h
chief data officer, chief analytics officer | c_level | data | h
chief product officer | c_level | product | h
chief human resources officer, chief people officer, chief hr officer | c_level | hr | h
chief legal officer, chief compliance officer | c_level | legal | h
general counsel | vp | legal | h
chief customer officer | c_level | customer_success | h
chief strategy officer | c_level | executive | h
chief | c_level | - | h
officer | - | - | h
chief engineer, chief architect, chief accountant | senior | - | h
chief of staff | director | executive | h
president, presidente, presidenta, président, présidente, präsident, präsidentin | c_level | executive:0 | h
president directeur general, présidente directrice générale | c_level | executive:0 | h
owner, co owner, coowner, business owner, owner operator | c_level | executive:0 | h mod
inhaber, inhaberin, propietario, propietaria, dueño, dueña, titolare, eigenaar, proprietaire, propriétaire | c_level | executive:0 | h
founder, co founder, cofounder, gründer, gründerin, mitgründer, mitgründerin, fondateur, fondatrice, cofondateur, cofondatrice, co fondateur, fundador, fundadora, cofundador, cofundadora, co fundador, oprichter, mede oprichter, entrepreneur | c_level | executive:0 | h
partner | c_level | executive:0 | h mod
managing partner, senior partner, equity partner, general partner, associate partner, socio, socia, associé, associée, gesellschafter, gesellschafterin, geschäftsführender gesellschafter, teilhaber | c_level | executive:0 | h
managing director, executive director, director general, directora general, directeur general, directrice generale, director ejecutivo, directora ejecutiva, gerente general, general director | c_level | executive:0 | h
geschäftsführer, geschäftsführerin, geschäftsführung, geschäftsleiter, geschäftsleitung, gérant, gérante, amministratore delegato, consejero delegado, consejera delegada | c_level | executive:0 | h
vorstand, vorständin, vorstandsvorsitzender, vorstandsvorsitzende, vorsitzender, vorsitzende, vorstandsmitglied, aufsichtsrat, aufsichtsratsvorsitzender | c_level | executive:0 | h
chairman of the board, chairman, chairwoman, chairperson, chair, board member, member board, board directors, non executive director, vice chairman | c_level | executive:0 | h
# vice presidents and directors
vice president, vicepresident, vp, vicepresidente, vicepresidenta, vice presidente, vizepräsident | vp | - | h
director, directora, directeur, directrice, direktor, direktorin, diretor, diretora, direttore, subdirector, subdirectora | director | - | h
head, head of, leiter, leiterin, leitung, abteilungsleiter, abteilungsleiterin, bereichsleiter, bereichsleiterin, hauptabteilungsleiter | director | - | h
prokurist, prokuristin | director | - | h
general manager | director | executive:0 | h
# managers
manager, managerin, gerente, gerenta, responsable, responsabile, supervisor, supervisora, superintendent, foreman | manager | - | h
team lead, team leader, teamleiter, teamleiterin, teamlead, gruppenleiter, gruppenleiterin, filialleiter, filialleiterin, store manager, branch manager | manager | - | h
jefe, jefa, chef de, chef | manager | - | h
chef de projet, cheffe de projet, projektleiter, projektleiterin, project lead | manager | operations:1 | h
chef de produit, cheffe de produit | manager | product | h
# senior individual contributors
senior, lead, principal, distinguished, fellow, expert, experte, staff engineer | senior | - | -
staff software engineer, staff software developer, staff developer, staff architect, staff software architect | senior | engineering | h
staff data scientist, staff data engineer, staff machine learning engineer | senior | data | h
# entry level
junior | entry | - | -
associate, coordinator, coordinadora, coordinador, coordinatrice, coordinateur, koordinator, koordinatorin, representative, clerk, agent, sachbearbeiter, sachbearbeiterin, auxiliar, graduate, receptionist, cashier, kaufmann, kauffrau | entry | - | h
assistant, assistante, asistente, assistent, assistentin, assistenz, secretary, sekretärin, sekretär | entry | - | h asst
analyst, analista, analytiker | entry | data:1 | h
# interns
intern, internship, interne, werkstudent, werkstudentin, working student, stagiaire, stage, praktikant, praktikantin, trainee, apprentice, apprenti, apprentie, alternant, alternante, azubi, auszubildender, auszubildende, becario, becaria, practicante, student, studentin, estudiante, étudiant, étudiante | intern | - | h
# role nouns without a level
engineer, ingenieur, ingenieurin, ingénieur, ingénieure, ingeniero, ingeniera, engenheiro, engenheira, ingegnere | - | engineering:2 | h
developer, entwickler, entwicklerin, desarrollador, desarrolladora, développeur, développeuse, programmer, programador | - | engineering:2 | h
chargé, chargée, consultant, consultante, berater, beraterin, asesor, asesora, conseiller, conseillère, advisor, adviser, specialist, spezialist, spezialistin, especialista, spécialiste, referent, referentin, mitarbeiter, mitarbeiterin, medewerker, employee, empleado, staff, professional, contractor, freelancer, freelance, self employed, selbstständig, selbständig, volunteer, retired, unemployed, administrator, administrador | - | - | h
executive, ejecutivo, ejecutiva | - | executive:0 | h
technician, technicien, technicienne, técnico, tecnico, técnica, techniker, mechanic, electrician, operator, driver, teacher, professor, lecturer, instructor, nurse, physician, doctor, dentist, pharmacist, pastor, scientist, researcher, editor, writer, journalist, designer, architect, artist, photographer, planner, buyer, inspector, investor, coach, trainer | - | - | h
business partner | - | - | h
product owner | - | product | h
account executive, sales executive, business developer, chargé d'affaires, chargée d'affaires | - | sales | h
account manager, key account manager, partner manager, channel manager, partner account manager | manager | sales | h
account director | director | sales | h
account representative | entry | sales | h
executive assistant, personal assistant, administrative assistant, office assistant, asistente administrativo, asistente administrativa, assistante de direction, assistant de direction | entry | operations | h
office manager | manager | operations | h
# functions: sales
sales, selling, inside sales, field sales, presales, pre sales, vertrieb, verkauf, vente, ventes, ventas, venta, vendas, commercial, comercial, business development, new business, key account, key accounts, revenue, partnerships, channel, channel partner, alliances, territory, accounts, vendeur, vendeuse, vendedor, vendedora, kundenberater | - | sales | -
# marketing
marketing, mktg, marketer, brand, branding, communications, communication, comms, kommunikation, comunicación, comunicacion, public relations, presse, content, seo, sem, digital marketing, demand generation, demand gen, lead generation, lead gen, growth, social media, events, event, advertising, werbung, publicité, publicidad, mercadeo, mercadotecnia, creative, graphic, copywriter, campaign, campaigns, partner marketing, product marketing, community | - | marketing | -
# engineering
engineering, development, entwicklung, desarrollo, développement | - | engineering:2 | -
software, software development, software engineering, frontend, front end, backend, back end, full stack, fullstack, web, mobile, ios, android, devops, site reliability, sre, quality assurance, qa, testing, tester, r&d, research and development, forschung und entwicklung, firmware, hardware, embedded, mechanical, electrical, electronics, platform, cloud engineering, technology, technologie, tecnologia, tecnología, machine learning engineer | - | engineering | -
technical, technique, technik, architecture, solutions | - | engineering:1 | -
# information technology
it, information technology, systèmes d'information, sistemas de información, informatique, informatica, informática, informatik, edv, systems, system, sistemas, network, networking, netzwerk, infrastructure, security, cybersecurity, cyber security, information security, helpdesk, help desk, service desk, desktop support, technical support, it support, sysadmin, database, erp, sap, crm | - | it | -
# product
product, product management, produkt, produit, producto, ux, ui, user experience, user research, product design | - | product:2 | -
# finance
accounts payable, accounts receivable, accounts payable and receivable, kreditorenbuchhaltung, debitorenbuchhaltung, kreditoren, debitoren, comptes fournisseurs, comptes clients, cuentas por pagar, cuentas por cobrar, finance, financial, finances, financier, financière, financiero, financiera, bookkeeper, bookkeeping, auditor, finanzas, finanzen, finanz, finance and accounting, accounting, accountant, comptroller, controller, controlling, treasury, treasurer, audit, tax, steuer, payroll, buchhaltung, buchhalter, buchhalterin, comptable, comptabilité, contable, contabilidad, contador, contadora, fp&a, billing, credit, investment, investments, investor relations, mergers and acquisitions, m&a, p&l, risk, actuary, underwriter, loan | - | finance | -
# hr
human resources, hr, people, people operations, talent, talent acquisition, recruiter, recruiting, recruitment, personal, personalwesen, personalabteilung, ressources humaines, rh, recursos humanos, rrhh, learning and development, training, compensation, benefits, hris, workforce, culture, personnel | - | hr | -
# operations
operations, operation, operating, betrieb, opérations, operaciones, administration, administrative, administratif, administrative, administrativo, administrativa, verwaltung, office, project, projects, projekt, projet, proyecto, proyectos, program, programme, pmo | - | operations:1 | -
logistics, logistik, logistique, logística, logistica, supply chain, procurement, purchasing, einkauf, achats, compras, facilities, facility, manufacturing, production, produktion, produccion, producción, plant, warehouse, lager, fleet, shipping, inventory, quality, qualität, calidad, qualité, supply | - | operations:2 | -
# legal
legal, counsel, lawyer, attorney, paralegal, compliance, juriste, jurídico, juridico, juridique, abogado, abogada, avocat, avocate, rechtsanwalt, rechtsanwältin, justiziar, justitiar, recht, contracts, privacy, regulatory, data protection | - | legal | -
# customer success
customer success, customer service, customer support, customer experience, customer care, client services, client success, customer relations, kundenservice, kundendienst, kundenbetreuung, service client, atención al cliente, atencion al cliente, onboarding, implementation, support | - | customer_success | -
service, services | - | customer_success:1 | -
# data
data, daten, données, datos, data science, data scientist, analytics, business intelligence, bi, machine learning, ml, artificial intelligence, ai, statistician, insights, reporting, big data | - | data | -
strategy, strategic, stratégie, estrategia, strategie, general management, board | - | executive:1 | -
`

// titleAbbrevText expands abbreviations for the normalized title. A line
// with three expansions after "=" is context dependent: the first applies
// after a level word ("VP Eng"), the second at the end of a role ("Software
// Eng"), the third elsewhere ("Eng Manager").
const titleAbbrevText = `
vp = vice president
svp = senior vice president
evp = executive vice president
avp = assistant vice president
ceo = chief executive officer
cfo = chief financial officer
cto = chief technology officer
cio = chief information officer
coo = chief operating officer
cmo = chief marketing officer
cro = chief revenue officer
ciso = chief information security officer
cdo = chief data officer
cpo = chief product officer
chro = chief human resources officer
cco = chief commercial officer
cso = chief security officer
clo = chief legal officer
sr, snr, sen = senior
jr, jnr = junior
mgr, mngr = manager
mgmt, mgt = management
dir = director
engr = engineer
eng = engineering ; engineer ; engineering
dev = development ; developer ; development
tech = technology ; technician ; technical
admin = administration ; administrator ; administrative
mktg, mkt, mkting, mrkt = marketing
ops = operations
bd, bizdev = business development
biz = business
it = information technology
hr = human resources
ae = account executive
sdr = sales development representative
bdr = business development representative
pm = project manager
tpm = technical program manager
qa = quality assurance
r&d = research and development
acct = account
acctg = accounting
exec = executive
asst = assistant
assoc = associate
coord = coordinator
rep, repr = representative
spec = specialist
gm = general manager
md = managing director
pres = president
mng = managing
intl = international
natl = national
dept = department
svc = service
svcs = services
cust = customer
sys = systems
sw = software
prod = product
proj = project
prog = program
fin = finance
comms, comm = communications
purch = purchasing
hrbp = human resources business partner
kam = key account manager
csm = customer success manager
swe = software engineer
sde = software development engineer
dba = database administrator
pr = public relations
bi = business intelligence
ml = machine learning
gf = geschäftsführer
pdg = président-directeur général
dg = directeur général
drh = directeur des ressources humaines
daf = directeur administratif et financier
dsi = directeur des systèmes d'information
rrhh = recursos humanos
`
