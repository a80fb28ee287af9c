# persistence -p 300: templates per client address
adm -C
adm -A -t $VIP:$PORT -s rr -p 300
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 4
get 2 10.10.0.21
get 2 10.10.0.22
get 2 10.10.0.23
get 2
check Ln stats Lnc S persistent
